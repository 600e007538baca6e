package io.gadgetflow.node.kafka;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import java.time.Instant;
import java.util.Map;

/** The event stream of an execsnoop trace {@code gadget/exec} on node-1, for unit tests. */
final class ExecsnoopStream {
  static final String UID = "6f1c2a9e-0b7d-4a53-9d59-3e2f1c0b8a71";

  private ExecsnoopStream() {}

  static EventStream create() {
    return new EventStream("node-1", trace());
  }

  /** The trace's control record. */
  static ControlRecord trace() {
    return new ControlRecord(
        "gadget",
        "exec",
        UID,
        1,
        "node-1",
        "execsnoop",
        null,
        OutputMode.STREAM,
        null,
        Map.of(),
        Operation.START,
        "op-1",
        true,
        Instant.EPOCH);
  }
}
