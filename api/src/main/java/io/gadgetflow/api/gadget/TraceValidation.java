package io.gadgetflow.api.gadget;

import io.gadgetflow.api.json.WireNames;
import io.gadgetflow.api.trace.ExternalResourceName;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceSpec;
import java.util.Map;
import java.util.Optional;

/**
 * The rules a Trace must follow to run, checked against the gadget catalogue: one set for the
 * controller (which writes a violation's {@link Violation#message() message} into {@code
 * status.operationError}), the web UI (which names the request field at fault in its own words) and
 * {@code kubectl gadget} (which names its option). Finding a gadget or a parameter is the
 * catalogue's ({@link GadgetCatalog#find}, {@link GadgetDescriptor#parameter}); what is allowed of
 * them is decided here.
 */
public final class TraceValidation {
  private TraceValidation() {}

  /**
   * Why a Trace cannot run. The messages are part of the contract (DESIGN.md section 2): the first
   * four are Inspektor Gadget's, word for word, because its clients match on them.
   */
  public sealed interface Violation {
    String message();
  }

  public record UnknownGadget(String gadget) implements Violation {
    @Override
    public String message() {
      return "Unknown gadget \"%s\"".formatted(gadget);
    }
  }

  /**
   * @param runMode null when the spec has none
   */
  public record UnsupportedRunMode(RunMode runMode, String gadget) implements Violation {
    @Override
    public String message() {
      return "Unsupported RunMode \"%s\" for gadget \"%s\"".formatted(wireName(runMode), gadget);
    }
  }

  /**
   * @param outputMode null when the spec has none
   */
  public record UnsupportedOutputMode(OutputMode outputMode, String gadget) implements Violation {
    @Override
    public String message() {
      return "Unsupported OutputMode \"%s\" for gadget \"%s\""
          .formatted(wireName(outputMode), gadget);
    }
  }

  public record UnsupportedOperation(String operation, String gadget) implements Violation {
    @Override
    public String message() {
      return "Unsupported operation \"%s\" for gadget \"%s\"".formatted(operation, gadget);
    }
  }

  /** A filter on a gadget that sees the whole node. */
  public record UnsupportedFilter(String gadget) implements Violation {
    @Override
    public String message() {
      return "Invalid filter: Filtering is not supported";
    }
  }

  /**
   * @param why what {@link ExternalResourceName#validate} says of the output
   */
  public record InvalidExternalResource(String output, String why) implements Violation {
    @Override
    public String message() {
      return why;
    }
  }

  public record MissingNode(String gadget) implements Violation {
    @Override
    public String message() {
      return "Missing node for gadget \"%s\"".formatted(gadget);
    }
  }

  public record UnknownParameter(String parameter, String gadget) implements Violation {
    @Override
    public String message() {
      return "Unknown parameter \"%s\" for gadget \"%s\"".formatted(parameter, gadget);
    }
  }

  /**
   * @param why what the parameter's descriptor says of the value
   */
  public record InvalidParameter(String parameter, String value, String gadget, String why)
      implements Violation {
    @Override
    public String message() {
      return "Invalid value \"%s\" for parameter \"%s\" of gadget \"%s\": %s"
          .formatted(value, parameter, gadget, why);
    }
  }

  /**
   * The first rule {@code spec} breaks, or empty when it can run. Any spec the CRD admits gets an
   * answer, whatever it leaves out: a missing field is a violation, never an exception.
   */
  public static Optional<Violation> validate(TraceSpec spec) {
    Optional<GadgetDescriptor> found = GadgetCatalog.find(spec.getGadget());
    if (found.isEmpty()) {
      return Optional.of(new UnknownGadget(spec.getGadget()));
    }
    GadgetDescriptor gadget = found.get();
    return Optional.<Violation>empty()
        .or(() -> runMode(gadget, spec.getRunMode()))
        .or(() -> outputMode(gadget, spec.getOutputMode()))
        .or(() -> filter(gadget, spec.getFilter()))
        .or(() -> output(spec.getOutputMode(), spec.getOutput()))
        .or(() -> node(gadget, spec.getNode()))
        .or(() -> parameters(gadget, spec.getParameters()));
  }

  /** Whether {@code gadget} has {@code operation} (an annotation value, known or not). */
  public static Optional<UnsupportedOperation> operation(
      GadgetDescriptor gadget, String operation) {
    boolean supported =
        Operation.fromAnnotationValue(operation).map(gadget.operations()::contains).orElse(false);
    return supported
        ? Optional.empty()
        : Optional.of(new UnsupportedOperation(operation, gadget.name()));
  }

  /** Whether {@code gadget} writes its output this way; a missing output mode is none it has. */
  public static Optional<UnsupportedOutputMode> outputMode(
      GadgetDescriptor gadget, OutputMode outputMode) {
    // The catalogue's sets refuse to be asked about null, and the CRD lets outputMode be left out.
    return outputMode != null && gadget.outputModes().contains(outputMode)
        ? Optional.empty()
        : Optional.of(new UnsupportedOutputMode(outputMode, gadget.name()));
  }

  /** Whether {@code gadget} can be filtered, if {@code filter} (may be null) asks for it. */
  public static Optional<UnsupportedFilter> filter(GadgetDescriptor gadget, TraceFilter filter) {
    return gadget.supportsFilter() || filter == null || filter.isEmpty()
        ? Optional.empty()
        : Optional.of(new UnsupportedFilter(gadget.name()));
  }

  /** Whether {@code value} is one {@code parameter} of {@code gadget} takes. */
  public static Optional<InvalidParameter> parameterValue(
      GadgetDescriptor gadget, ParameterDescriptor parameter, String value) {
    return parameter
        .validate(value)
        .map(why -> new InvalidParameter(parameter.name(), value, gadget.name(), why));
  }

  private static Optional<Violation> runMode(GadgetDescriptor gadget, RunMode runMode) {
    return runMode == RunMode.MANUAL
        ? Optional.empty()
        : Optional.of(new UnsupportedRunMode(runMode, gadget.name()));
  }

  private static Optional<Violation> output(OutputMode outputMode, String output) {
    return outputMode == OutputMode.EXTERNAL_RESOURCE
        ? ExternalResourceName.validate(output).map(why -> new InvalidExternalResource(output, why))
        : Optional.empty();
  }

  private static Optional<Violation> node(GadgetDescriptor gadget, String node) {
    return node == null || node.isBlank()
        ? Optional.of(new MissingNode(gadget.name()))
        : Optional.empty();
  }

  private static Optional<Violation> parameters(
      GadgetDescriptor gadget, Map<String, String> parameters) {
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      Optional<ParameterDescriptor> descriptor = gadget.parameter(parameter.getKey());
      if (descriptor.isEmpty()) {
        return Optional.of(new UnknownParameter(parameter.getKey(), gadget.name()));
      }
      Optional<InvalidParameter> invalid =
          parameterValue(gadget, descriptor.get(), parameter.getValue());
      if (invalid.isPresent()) {
        return Optional.of(invalid.get());
      }
    }
    return Optional.empty();
  }

  private static String wireName(Enum<?> value) {
    return value == null ? "" : WireNames.of(value);
  }
}
