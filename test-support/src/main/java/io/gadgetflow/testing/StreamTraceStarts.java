package io.gadgetflow.testing;

import io.gadgetflow.api.kafka.ControlRecord;
import java.time.Instant;

/**
 * The control record that starts a Stream trace of every container ({@link
 * ControlRecord#streamStart} without a filter): what tests of the control topic's readers and
 * writers publish in place of a controller.
 */
public final class StreamTraceStarts {
  private StreamTraceStarts() {}

  public static ControlRecord of(
      String name, String uid, String node, String gadget, String operationId, Instant time) {
    return ControlRecord.streamStart(name, uid, node, gadget, null, operationId, time);
  }
}
