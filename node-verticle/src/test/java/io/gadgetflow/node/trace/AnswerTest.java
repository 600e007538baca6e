package io.gadgetflow.node.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnswerTest {
  static final Instant TIME = Instant.parse("2026-01-02T03:04:05Z");
  static final EventCounters COUNTED = new EventCounters(7, 2);
  static final ControlRecord STOP =
      new ControlRecord(
          "gadget",
          "exec",
          "uid-1",
          1,
          "node-a",
          "execsnoop",
          new TraceFilter(null, null, null, null),
          OutputMode.STREAM,
          null,
          Map.of(),
          Operation.STOP,
          "op-1",
          false,
          TIME);

  static NodeReport reported(Answer answer) {
    return answer.report("node-a", STOP, TIME);
  }

  @Test
  void aReportAnswersTheOperationOfItsTraceFromItsNode() {
    NodeReport report = reported(Answer.stopped(COUNTED));

    assertThat(report)
        .isEqualTo(
            new NodeReport(
                "node-a", "uid-1", "op-1", TraceState.STOPPED, null, null, null, COUNTED, TIME));
  }

  @Test
  void eachAnswerSetsOnlyItsOwnFields() {
    assertThat(reported(Answer.started(COUNTED).withWarning("pods not known yet")))
        .extracting(NodeReport::state, NodeReport::operationWarning, NodeReport::counters)
        .containsExactly(TraceState.STARTED, "pods not known yet", COUNTED);
    assertThat(reported(Answer.completed("[]", COUNTED)))
        .extracting(NodeReport::state, NodeReport::output, NodeReport::operationError)
        .containsExactly(TraceState.COMPLETED, "[]", null);
    assertThat(reported(Answer.generated("{}", COUNTED)))
        .extracting(NodeReport::state, NodeReport::output)
        .containsExactly(null, "{}");
    assertThat(reported(Answer.failed("Not started")))
        .extracting(NodeReport::state, NodeReport::operationError, NodeReport::counters)
        .containsExactly(null, "Not started", EventCounters.NONE);
    assertThat(reported(Answer.stopped(COUNTED).withError("could not read")))
        .extracting(NodeReport::state, NodeReport::operationError)
        .containsExactly(TraceState.STOPPED, "could not read");
    assertThat(reported(Answer.deleted(COUNTED)))
        .extracting(NodeReport::state, NodeReport::output, NodeReport::counters)
        .containsExactly(null, null, COUNTED);
  }
}
