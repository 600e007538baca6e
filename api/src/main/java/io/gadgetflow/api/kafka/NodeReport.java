package io.gadgetflow.api.kafka;

import io.gadgetflow.api.trace.TraceState;
import java.time.Instant;

/**
 * A value of the {@code gadget.status} topic: a node's answer to an operation, or a periodic update
 * of a running gadget's counters. The key is {@link #traceUid()}.
 *
 * @param operationId the operation this answers; periodic updates repeat the last one answered
 * @param state the Trace state the node now has for this trace, or null when it has none
 */
public record NodeReport(
    String node,
    String traceUid,
    String operationId,
    TraceState state,
    String output,
    String operationError,
    String operationWarning,
    EventCounters counters,
    Instant time) {

  public NodeReport {
    counters = counters == null ? EventCounters.NONE : counters;
  }

  public NodeReport withOutput(String newOutput) {
    return new NodeReport(
        node,
        traceUid,
        operationId,
        state,
        newOutput,
        operationError,
        operationWarning,
        counters,
        time);
  }

  public NodeReport withOperationError(String error) {
    return new NodeReport(
        node, traceUid, operationId, state, output, error, operationWarning, counters, time);
  }
}
