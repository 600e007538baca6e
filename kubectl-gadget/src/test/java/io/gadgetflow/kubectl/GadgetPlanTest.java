package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetCategory;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.TraceState;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GadgetPlanTest {
  @Test
  void aStreamGadgetStartsStreamsAndStops() {
    GadgetPlan plan = GadgetPlan.of(GadgetCatalog.EXECSNOOP);

    assertThat(plan)
        .isEqualTo(
            new GadgetPlan(
                Operation.START,
                TraceState.STARTED,
                OutputMode.STREAM,
                true,
                TraceState.STOPPED,
                false));
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
                TraceState.COMPLETED,
                false));
    assertThat(plan.streamsEvents()).isFalse();
    assertThat(plan.reportsInStatus()).isTrue();
  }

  @Test
  void aSnapshotGadgetCollectsOnce() {
    assertThat(GadgetPlan.of(TestGadgets.PROCESS_COLLECTOR))
        .isEqualTo(
            new GadgetPlan(
                Operation.COLLECT, TraceState.COMPLETED, OutputMode.STATUS, false, null, false));
  }

  @Test
  void anAdvisorStartsAndGeneratesItsResultsIntoItsStatusBeforeItStops() {
    assertThat(GadgetPlan.isAdvisor(TestGadgets.SECCOMP)).isTrue();
    assertThat(GadgetPlan.isAdvisor(TestGadgets.BIOLATENCY)).isFalse();
    assertThat(GadgetPlan.of(TestGadgets.SECCOMP))
        .isEqualTo(
            new GadgetPlan(
                Operation.START,
                TraceState.STARTED,
                OutputMode.STATUS,
                true,
                TraceState.STOPPED,
                true));
  }

  @Test
  void aGadgetThatWritesNothingToPrintIsRefused() {
    GadgetDescriptor toFiles =
        new GadgetDescriptor(
            "to-files",
            GadgetCategory.TRACE,
            "files",
            "Writes files",
            Set.of(Operation.START, Operation.STOP),
            Set.of(OutputMode.FILE),
            true,
            List.of(),
            List.of());

    assertThatThrownBy(() -> GadgetPlan.of(toFiles))
        .isInstanceOf(CommandFailure.class)
        .hasMessage(
            "\"trace files\" writes neither a stream nor a status, so there is nothing to print");
  }
}
