package io.gadgetflow.node.kafka;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.testing.StreamTraceStarts;
import java.time.Instant;

/**
 * The event stream of an execsnoop trace {@code gadget/exec} on node-1, and the starts of other
 * execsnoop traces on that node, for unit tests.
 */
public final class ExecsnoopStream {
  static final String UID = "6f1c2a9e-0b7d-4a53-9d59-3e2f1c0b8a71";

  private ExecsnoopStream() {}

  static EventStream create() {
    return new EventStream("node-1", trace());
  }

  /** The trace's control record. */
  static ControlRecord trace() {
    return start("exec", UID, "op-1");
  }

  /**
   * The start of the execsnoop trace {@code gadget/exec-UID} on node-1, operation {@code op-UID}.
   */
  public static ControlRecord start(String uid) {
    return start("exec-" + uid, uid, "op-" + uid);
  }

  private static ControlRecord start(String name, String uid, String operationId) {
    return StreamTraceStarts.of(name, uid, "node-1", "execsnoop", operationId, Instant.EPOCH);
  }
}
