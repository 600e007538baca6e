package io.gadgetflow.api.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceSpec;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TraceValidationTest {

  /** What the controller writes into {@code status.operationError}. */
  static Optional<String> validate(TraceSpec spec) {
    return TraceValidation.validate(spec).map(TraceValidation.Violation::message);
  }

  static Optional<String> validateOperation(GadgetDescriptor gadget, String operation) {
    return TraceValidation.operation(gadget, operation).map(TraceValidation.Violation::message);
  }

  static TraceSpec execSpec() {
    TraceSpec spec = new TraceSpec();
    spec.setNode("node-1");
    spec.setGadget("execsnoop");
    spec.setRunMode(RunMode.MANUAL);
    spec.setOutputMode(OutputMode.STREAM);
    return spec;
  }

  @Test
  void acceptsTheSeedTrace() {
    assertThat(validate(execSpec())).isEmpty();
  }

  @Test
  void unknownGadget() {
    TraceSpec spec = execSpec();
    spec.setGadget("nosuchsnoop");

    assertThat(validate(spec)).contains("Unknown gadget \"nosuchsnoop\"");
  }

  @Test
  void autoRunMode() {
    TraceSpec spec = execSpec();
    spec.setRunMode(RunMode.AUTO);

    assertThat(validate(spec)).contains("Unsupported RunMode \"Auto\" for gadget \"execsnoop\"");
  }

  @Test
  void missingRunModeIsNotManual() {
    TraceSpec spec = execSpec();
    spec.setRunMode(null);

    assertThat(validate(spec)).contains("Unsupported RunMode \"\" for gadget \"execsnoop\"");
  }

  @Test
  void outputModeTheGadgetLacks() {
    TraceSpec spec = execSpec();
    spec.setOutputMode(OutputMode.STATUS);

    assertThat(validate(spec))
        .contains("Unsupported OutputMode \"Status\" for gadget \"execsnoop\"");
  }

  @Test
  void undeclaredParameter() {
    TraceSpec spec = execSpec();
    spec.setParameters(Map.of("bogus", "1"));

    assertThat(validate(spec)).contains("Unknown parameter \"bogus\" for gadget \"execsnoop\"");
  }

  @Test
  void missingNode() {
    TraceSpec spec = execSpec();
    spec.setNode(" ");

    assertThat(validate(spec)).contains("Missing node for gadget \"execsnoop\"");
  }

  @Test
  void filtersAreFineOnGadgetsThatFilter() {
    TraceSpec spec = execSpec();
    spec.setFilter(new TraceFilter("default", null, null, null));

    assertThat(validate(spec)).isEmpty();
  }

  @Test
  void operationsOutsideTheGadgetsListAreRefused() {
    assertThat(validateOperation(GadgetCatalog.EXECSNOOP, "start")).isEmpty();
    assertThat(validateOperation(GadgetCatalog.EXECSNOOP, "collect"))
        .contains("Unsupported operation \"collect\" for gadget \"execsnoop\"");
    assertThat(validateOperation(GadgetCatalog.EXECSNOOP, "explode"))
        .contains("Unsupported operation \"explode\" for gadget \"execsnoop\"");
  }

  @Test
  void anExternalResourceNeedsANamespaceAndAName() {
    TraceSpec spec = execSpec();
    spec.setGadget("seccomp");
    spec.setOutputMode(OutputMode.EXTERNAL_RESOURCE);

    for (String invalid : new String[] {null, "profile", "a/b/c", "Upper/case", "/name", "ns/"}) {
      spec.setOutput(invalid);
      assertThat(validate(spec))
          .as(invalid)
          .hasValueSatisfying(error -> assertThat(error).endsWith("expected <namespace>/<name>"));
    }
    spec.setOutput("team-a/web.profile");
    assertThat(validate(spec)).isEmpty();
  }

  @Test
  void parametersAreCheckedWithTheirGadgetsRules() {
    TraceSpec spec = execSpec();
    spec.setGadget("sigsnoop");
    spec.setParameters(Map.of("signal", "SIGKILL", "pid", "4194305"));

    assertThat(validate(spec))
        .contains(
            "Invalid value \"4194305\" for parameter \"pid\" of gadget \"sigsnoop\":"
                + " 4194305 is out of range [0, 4194304]");
  }

  @Test
  void aGadgetThatSeesTheWholeNodeRefusesAFilter() {
    TraceSpec spec = execSpec();
    spec.setGadget("biolatency");
    spec.setOutputMode(OutputMode.STATUS);
    spec.setFilter(new TraceFilter("default", null, null, null));

    assertThat(validate(spec)).contains("Invalid filter: Filtering is not supported");
  }

  @Test
  void formsCheckFieldByFieldWithTheSameRules() {
    GadgetDescriptor sigsnoop = GadgetCatalog.find("sigsnoop").orElseThrow();
    ParameterDescriptor pid = sigsnoop.parameter("pid").orElseThrow();
    assertThat(TraceValidation.parameterValue(sigsnoop, pid, "4194305"))
        .hasValueSatisfying(
            invalid -> assertThat(invalid.why()).isEqualTo("4194305 is out of range [0, 4194304]"));
    assertThat(TraceValidation.parameterValue(sigsnoop, pid, "42")).isEmpty();
    assertThat(TraceValidation.outputMode(GadgetCatalog.EXECSNOOP, OutputMode.STATUS)).isPresent();
    assertThat(TraceValidation.outputMode(GadgetCatalog.EXECSNOOP, OutputMode.STREAM)).isEmpty();
    GadgetDescriptor biolatency = GadgetCatalog.find("biolatency").orElseThrow();
    assertThat(TraceValidation.filter(biolatency, new TraceFilter("default", null, null, null)))
        .isPresent();
    assertThat(TraceValidation.filter(biolatency, null)).isEmpty();
  }
}
