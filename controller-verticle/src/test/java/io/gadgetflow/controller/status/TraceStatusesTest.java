package io.gadgetflow.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TraceStatusesTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00.5Z");
  static final Instant T1 = Instant.parse("2026-11-25T10:05:00Z");

  static NodeReport report(TraceState state, String error, long events) {
    return new NodeReport(
        "node-1", "uid", "op", state, null, error, null, new EventCounters(events, 1), T0);
  }

  @Test
  void aReportSetsStateCountersAndGeneration() {
    TraceStatus status =
        TraceStatuses.afterReport(null, report(TraceState.STARTED, null, 5), 3L, T0);

    assertThat(status.getState()).isEqualTo(TraceState.STARTED);
    assertThat(status.getEvents()).isEqualTo(5);
    assertThat(status.getLostEvents()).isEqualTo(1);
    assertThat(status.getObservedGeneration()).isEqualTo(3);
    assertThat(status.getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-25T10:00:00Z");
            });
  }

  @Test
  void anAnswerGivenAgainIsShownOnlyWhileTheStatusHasItsStateAndNoError() {
    TraceStatus stopped =
        TraceStatuses.afterReport(null, report(TraceState.STOPPED, null, 264), 3L, T0);
    NodeReport again = report(TraceState.STOPPED, null, 0);

    assertThat(TraceStatuses.showsAnswer(stopped, again)).isTrue();
    assertThat(TraceStatuses.showsAnswer(null, again)).isFalse();
    TraceStatus started =
        TraceStatuses.afterReport(null, report(TraceState.STARTED, null, 5), 3L, T0);
    assertThat(TraceStatuses.showsAnswer(started, again)).isFalse();
    TraceStatus silent = TraceStatuses.afterSilence(started, "Node did not answer", 3L, T1);
    assertThat(TraceStatuses.showsAnswer(silent, report(TraceState.STARTED, null, 0))).isFalse();
    assertThat(TraceStatuses.showsAnswer(stopped, report(null, null, 0)))
        .as("an answer that leaves the state as it was (a generate)")
        .isFalse();
    assertThat(
            TraceStatuses.showsAnswer(
                stopped, again.withNewerCounters(new EventCounters(0, 0), T1)))
        .as("a counter update is no answer")
        .isFalse();
  }

  @Test
  void theSameReportTwiceGivesAnEqualStatus() {
    TraceStatus first =
        TraceStatuses.afterReport(null, report(TraceState.STARTED, null, 5), 3L, T0);

    TraceStatus second =
        TraceStatuses.afterReport(first, report(TraceState.STARTED, null, 5), 3L, T1);

    assertThat(second).isEqualTo(first);
  }

  @Test
  void anErrorKeepsTheStateAndFlipsReady() {
    TraceStatus started =
        TraceStatuses.afterReport(null, report(TraceState.STARTED, null, 5), 3L, T0);

    TraceStatus failed = TraceStatuses.afterReport(started, report(null, "Not started", 5), 3L, T1);

    assertThat(failed.getState()).isEqualTo(TraceState.STARTED);
    assertThat(failed.getOperationError()).isEqualTo("Not started");
    assertThat(failed.getConditions().getFirst().getStatus()).isEqualTo("False");
    assertThat(failed.getConditions().getFirst().getLastTransitionTime())
        .isEqualTo("2026-11-25T10:05:00Z");
  }

  @Test
  void aNewAnswerClearsTheLastError() {
    TraceStatus failed = TraceStatuses.afterSilence(null, "no answer", 1L, T0);

    TraceStatus answered =
        TraceStatuses.afterReport(failed, report(TraceState.STARTED, null, 0), 1L, T1);

    assertThat(answered.getOperationError()).isNull();
    assertThat(answered.getState()).isEqualTo(TraceState.STARTED);
  }

  @Test
  void refusalKeepsStateAndOutput() {
    TraceStatus completed = new TraceStatus();
    completed.setState(TraceState.COMPLETED);
    completed.setOutput("[]");

    TraceStatus refused = TraceStatuses.afterRefusal(completed, "Unknown gadget \"x\"", 2L, T0);

    assertThat(refused.getState()).isEqualTo(TraceState.COMPLETED);
    assertThat(refused.getOutput()).isEqualTo("[]");
    assertThat(refused.getOperationError()).isEqualTo("Unknown gadget \"x\"");
  }

  @Test
  void aCountersUpdateChangesTheCountersAndKeepsTheControllersError() {
    TraceStatus started =
        TraceStatuses.afterReport(null, report(TraceState.STARTED, null, 5), 3L, T0);
    TraceStatus refused =
        TraceStatuses.afterRefusal(
            started, "Unsupported operation \"START\" for gadget \"execsnoop\"", 3L, T0);

    TraceStatus counted =
        TraceStatuses.afterReport(
            refused,
            report(TraceState.STARTED, null, 5).withNewerCounters(new EventCounters(9, 2), T1),
            3L,
            T1);

    assertThat(counted.getOperationError()).isEqualTo(refused.getOperationError());
    assertThat(counted.getConditions()).isEqualTo(refused.getConditions());
    assertThat(counted.getEvents()).isEqualTo(9);
    assertThat(counted.getLostEvents()).isEqualTo(2);
  }

  @Test
  void anAnswerGivenAgainIsAnAnswer() {
    TraceStatus refused = TraceStatuses.afterRefusal(null, "refused", 3L, T0);
    NodeReport repeated =
        report(TraceState.STARTED, null, 5)
            .withNewerCounters(new EventCounters(9, 2), T1)
            .asAnswer();

    assertThat(TraceStatuses.afterReport(refused, repeated, 3L, T1).getOperationError()).isNull();
  }
}
