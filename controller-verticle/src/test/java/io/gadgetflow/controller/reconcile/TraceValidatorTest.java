package io.gadgetflow.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceValidatorTest {

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
    assertThat(TraceValidator.validate(execSpec())).isEmpty();
  }

  @Test
  void unknownGadget() {
    TraceSpec spec = execSpec();
    spec.setGadget("nosuchsnoop");

    assertThat(TraceValidator.validate(spec)).contains("Unknown gadget \"nosuchsnoop\"");
  }

  @Test
  void autoRunMode() {
    TraceSpec spec = execSpec();
    spec.setRunMode(RunMode.AUTO);

    assertThat(TraceValidator.validate(spec))
        .contains("Unsupported RunMode \"Auto\" for gadget \"execsnoop\"");
  }

  @Test
  void missingRunModeIsNotManual() {
    TraceSpec spec = execSpec();
    spec.setRunMode(null);

    assertThat(TraceValidator.validate(spec))
        .contains("Unsupported RunMode \"\" for gadget \"execsnoop\"");
  }

  @Test
  void outputModeTheGadgetLacks() {
    TraceSpec spec = execSpec();
    spec.setOutputMode(OutputMode.STATUS);

    assertThat(TraceValidator.validate(spec))
        .contains("Unsupported OutputMode \"Status\" for gadget \"execsnoop\"");
  }

  @Test
  void undeclaredParameter() {
    TraceSpec spec = execSpec();
    spec.setParameters(Map.of("bogus", "1"));

    assertThat(TraceValidator.validate(spec))
        .contains("Unknown parameter \"bogus\" for gadget \"execsnoop\"");
  }

  @Test
  void missingNode() {
    TraceSpec spec = execSpec();
    spec.setNode(" ");

    assertThat(TraceValidator.validate(spec)).contains("Missing node for gadget \"execsnoop\"");
  }

  @Test
  void filtersAreFineOnGadgetsThatFilter() {
    TraceSpec spec = execSpec();
    spec.setFilter(new TraceFilter("default", null, null, null));

    assertThat(TraceValidator.validate(spec)).isEmpty();
  }

  @Test
  void operationsOutsideTheGadgetsListAreRefused() {
    assertThat(TraceValidator.validateOperation(GadgetCatalog.EXECSNOOP, "start")).isEmpty();
    assertThat(TraceValidator.validateOperation(GadgetCatalog.EXECSNOOP, "collect"))
        .contains("Unsupported operation \"collect\" for gadget \"execsnoop\"");
    assertThat(TraceValidator.validateOperation(GadgetCatalog.EXECSNOOP, "explode"))
        .contains("Unsupported operation \"explode\" for gadget \"execsnoop\"");
  }

  @Test
  void anExternalResourceNeedsANamespaceAndAName() {
    TraceSpec spec = execSpec();
    spec.setGadget("seccomp");
    spec.setOutputMode(OutputMode.EXTERNAL_RESOURCE);

    for (String invalid : new String[] {null, "profile", "a/b/c", "Upper/case", "/name", "ns/"}) {
      spec.setOutput(invalid);
      assertThat(TraceValidator.validate(spec))
          .as(invalid)
          .hasValueSatisfying(error -> assertThat(error).endsWith("expected <namespace>/<name>"));
    }
    spec.setOutput("team-a/web.profile");
    assertThat(TraceValidator.validate(spec)).isEmpty();
  }

  @Test
  void parametersAreCheckedWithTheirGadgetsRules() {
    TraceSpec spec = execSpec();
    spec.setGadget("sigsnoop");
    spec.setParameters(Map.of("signal", "SIGKILL", "pid", "4194305"));

    assertThat(TraceValidator.validate(spec))
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

    assertThat(TraceValidator.validate(spec))
        .contains("Invalid filter: Filtering is not supported");
  }
}
