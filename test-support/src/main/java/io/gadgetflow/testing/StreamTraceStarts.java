package io.gadgetflow.testing;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.trace.TraceFilter;
import java.time.Instant;

/**
 * The control record that starts a Stream trace in namespace {@code gadget}, as the controller
 * publishes it for a Trace's first start (generation 1, no output, no parameters): what tests of
 * the control topic's readers and writers publish in place of a controller.
 */
public final class StreamTraceStarts {
  private StreamTraceStarts() {}

  public static ControlRecord of(
      String name, String uid, String node, String gadget, String operationId, Instant time) {
    return of(name, uid, node, gadget, null, operationId, time);
  }

  /**
   * @param filter the containers the trace is limited to, or null for all
   */
  public static ControlRecord of(
      String name,
      String uid,
      String node,
      String gadget,
      TraceFilter filter,
      String operationId,
      Instant time) {
    return ControlRecord.streamStart(name, uid, node, gadget, filter, operationId, time);
  }
}
