package io.gadgetflow.cli.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.TraceState;
import org.junit.jupiter.api.Test;

class GadgetPlanTest {
  @Test
  void aStreamGadgetStartsStreamsAndStops() {
    GadgetPlan plan = GadgetPlan.of(GadgetCatalog.EXECSNOOP);

    assertThat(plan)
        .isEqualTo(
            new GadgetPlan(
                Operation.START, TraceState.STARTED, OutputMode.STREAM, true, TraceState.STOPPED));
    assertThat(plan.streamsEvents()).isTrue();
    assertThat(plan.reportsInStatus()).isFalse();
  }

  @Test
  void aProfileGadgetRunsUntilStoppedAndReportsInItsStatus() {
    GadgetPlan plan = GadgetPlan.of(TestGadgets.BIOLATENCY);

    assertThat(plan)
        .isEqualTo(
            new GadgetPlan(
                Operation.START,
                TraceState.STARTED,
                OutputMode.STATUS,
                true,
                TraceState.COMPLETED));
    assertThat(plan.streamsEvents()).isFalse();
    assertThat(plan.reportsInStatus()).isTrue();
  }

  @Test
  void aSnapshotGadgetCollectsOnce() {
    assertThat(GadgetPlan.of(TestGadgets.PROCESS_COLLECTOR))
        .isEqualTo(
            new GadgetPlan(
                Operation.COLLECT, TraceState.COMPLETED, OutputMode.STATUS, false, null));
  }

  @Test
  void aGadgetThatGeneratesAdviceIsRefusedForNow() {
    assertThatThrownBy(() -> GadgetPlan.of(TestGadgets.SECCOMP))
        .isInstanceOf(CommandFailure.class)
        .hasMessageContaining("\"advise seccomp-profile\" is started, generated and stopped");
  }
}
