package io.gadgetflow.api.kafka;

import io.gadgetflow.api.trace.TraceState;
import java.time.Instant;

/**
 * A value of the {@code gadget.status} topic: a node's answer to an operation, or a periodic update
 * of a running gadget's counters. The key is {@link #traceUid()}.
 *
 * @param operationId the operation this answers; periodic updates repeat the last one answered
 * @param state the Trace state the node now has for this trace, or null when it has none
 * @param countersUpdate true for a periodic update: it repeats the last answer with newer counters,
 *     and only its counters are news (the controller may have written an error of its own since
 *     that answer, which the repeated answer must not wipe); false, or absent, for an answer
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
    Instant time,
    boolean countersUpdate) {

  public NodeReport {
    counters = counters == null ? EventCounters.NONE : counters;
  }

  /** An answer to an operation. */
  public NodeReport(
      String node,
      String traceUid,
      String operationId,
      TraceState state,
      String output,
      String operationError,
      String operationWarning,
      EventCounters counters,
      Instant time) {
    this(
        node,
        traceUid,
        operationId,
        state,
        output,
        operationError,
        operationWarning,
        counters,
        time,
        false);
  }

  /** A periodic update of this answer: the same answer, newer counters. */
  public NodeReport withNewerCounters(EventCounters newer, Instant now) {
    return new NodeReport(
        node,
        traceUid,
        operationId,
        state,
        output,
        operationError,
        operationWarning,
        newer,
        now,
        true);
  }

  /** This report as an answer again, e.g. to an operation delivered a second time. */
  public NodeReport asAnswer() {
    return new NodeReport(
        node,
        traceUid,
        operationId,
        state,
        output,
        operationError,
        operationWarning,
        counters,
        time,
        false);
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
        time,
        countersUpdate);
  }

  public NodeReport withOperationError(String error) {
    return new NodeReport(
        node,
        traceUid,
        operationId,
        state,
        output,
        error,
        operationWarning,
        counters,
        time,
        countersUpdate);
  }
}
