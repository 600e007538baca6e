package io.gadgetflow.controller.reconcile;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.gadget.ParameterDescriptor;
import io.gadgetflow.api.json.WireNames;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.controller.output.ExternalResourceName;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a Trace's spec against the gadget catalogue. The first four messages are Inspektor
 * Gadget's, word for word, because its clients match on them.
 */
public final class TraceValidator {
  private TraceValidator() {}

  /** Why {@code spec} cannot run, or empty when it can. */
  public static Optional<String> validate(TraceSpec spec) {
    Optional<GadgetDescriptor> found = GadgetCatalog.find(spec.getGadget());
    if (found.isEmpty()) {
      return error("Unknown gadget \"%s\"", spec.getGadget());
    }
    GadgetDescriptor gadget = found.get();
    if (spec.getRunMode() != RunMode.MANUAL) {
      return error(
          "Unsupported RunMode \"%s\" for gadget \"%s\"",
          wireName(spec.getRunMode()), gadget.name());
    }
    if (!gadget.outputModes().contains(spec.getOutputMode())) {
      return error(
          "Unsupported OutputMode \"%s\" for gadget \"%s\"",
          wireName(spec.getOutputMode()), gadget.name());
    }
    if (!gadget.supportsFilter() && spec.getFilter() != null && !spec.getFilter().isEmpty()) {
      return Optional.of("Invalid filter: Filtering is not supported");
    }
    if (spec.getOutputMode() == OutputMode.EXTERNAL_RESOURCE) {
      Optional<String> invalidOutput = ExternalResourceName.validate(spec.getOutput());
      if (invalidOutput.isPresent()) {
        return invalidOutput;
      }
    }
    if (spec.getNode() == null || spec.getNode().isBlank()) {
      return error("Missing node for gadget \"%s\"", gadget.name());
    }
    return validateParameters(gadget, spec.getParameters());
  }

  /** Why {@code operation} (an annotation value) cannot run on {@code gadget}, or empty. */
  public static Optional<String> validateOperation(GadgetDescriptor gadget, String operation) {
    boolean supported =
        Operation.fromAnnotationValue(operation).map(gadget.operations()::contains).orElse(false);
    return supported
        ? Optional.empty()
        : error("Unsupported operation \"%s\" for gadget \"%s\"", operation, gadget.name());
  }

  private static Optional<String> validateParameters(
      GadgetDescriptor gadget, Map<String, String> parameters) {
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      Optional<ParameterDescriptor> descriptor = gadget.parameter(parameter.getKey());
      if (descriptor.isEmpty()) {
        return error(
            "Unknown parameter \"%s\" for gadget \"%s\"", parameter.getKey(), gadget.name());
      }
      Optional<String> invalid = descriptor.get().validate(parameter.getValue());
      if (invalid.isPresent()) {
        return error(
            "Invalid value \"%s\" for parameter \"%s\" of gadget \"%s\": %s",
            parameter.getValue(), parameter.getKey(), gadget.name(), invalid.get());
      }
    }
    return Optional.empty();
  }

  private static String wireName(Enum<?> value) {
    return value == null ? "" : WireNames.of(value);
  }

  private static Optional<String> error(String format, Object... args) {
    return Optional.of(format.formatted(args));
  }
}
