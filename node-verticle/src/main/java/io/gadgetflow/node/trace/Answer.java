package io.gadgetflow.node.trace;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.TraceState;
import java.time.Instant;

/**
 * What this node answers to one operation of a trace, before it is addressed as a {@link
 * NodeReport}.
 *
 * @param state the trace's state on this node now, or null when the operation leaves it as it was
 *     (or the node has none)
 * @param output for {@code status.output}, or null
 * @param error for {@code status.operationError}, or null
 * @param warning for {@code status.operationWarning}, or null
 * @param counters the trace's events delivered and lost
 */
record Answer(
    TraceState state, String output, String error, String warning, EventCounters counters) {

  /** The gadget runs for the trace. */
  static Answer started(EventCounters counters) {
    return new Answer(TraceState.STARTED, null, null, null, counters);
  }

  /** The gadget no longer runs for the trace. */
  static Answer stopped(EventCounters counters) {
    return new Answer(TraceState.STOPPED, null, null, null, counters);
  }

  /** The gadget is done and {@code output} is what it found. */
  static Answer completed(String output, EventCounters counters) {
    return new Answer(TraceState.COMPLETED, output, null, null, counters);
  }

  /** A running gadget's result so far; it runs on. */
  static Answer generated(String output, EventCounters counters) {
    return new Answer(null, output, null, null, counters);
  }

  /** The trace is gone from this node, with its last counters. */
  static Answer deleted(EventCounters counters) {
    return new Answer(null, null, null, null, counters);
  }

  /** The operation could not be done; the trace is as it was, and had nothing running. */
  static Answer failed(String error) {
    return failed(error, EventCounters.NONE);
  }

  /** The operation could not be done; the trace is as it was. */
  static Answer failed(String error, EventCounters counters) {
    return new Answer(null, null, error, null, counters);
  }

  /** This answer, and yet the operation failed in part. */
  Answer withError(String newError) {
    return new Answer(state, output, newError, warning, counters);
  }

  /** This answer with another output; null for none. */
  Answer withOutput(String newOutput) {
    return new Answer(state, newOutput, error, warning, counters);
  }

  /** This answer with a warning; null for none. */
  Answer withWarning(String newWarning) {
    return new Answer(state, output, error, newWarning, counters);
  }

  NodeReport report(String node, ControlRecord operation, Instant time) {
    return new NodeReport(
        node,
        operation.traceUid(),
        operation.operationId(),
        state,
        output,
        error,
        warning,
        counters,
        time);
  }
}
