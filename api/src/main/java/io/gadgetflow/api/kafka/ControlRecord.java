package io.gadgetflow.api.kafka;

import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.TraceFilter;
import java.time.Instant;
import java.util.Map;

/**
 * A value of the {@code gadget.control} topic: what one Trace wants of its node, and the last
 * operation asked of it. The key is {@link #traceUid()}; a tombstone means the Trace is gone.
 *
 * @param running whether the gadget should be running once {@link #operation()} has been applied; a
 *     node agent that restarts brings its gadgets in line with this
 * @param operationId unique per operation; a node runs each id at most once, and answers it once (a
 *     restarted agent answers its traces' last operations again)
 */
public record ControlRecord(
    String traceNamespace,
    String traceName,
    String traceUid,
    long generation,
    String node,
    String gadget,
    TraceFilter filter,
    OutputMode outputMode,
    String output,
    Map<String, String> parameters,
    Operation operation,
    String operationId,
    boolean running,
    Instant time) {

  /**
   * The header naming the node a record is for, {@link #node()} in UTF-8, set by the controller on
   * each record it publishes. An agent reads its node's partition, which other nodes share; with it
   * an agent passes over their records without decoding their JSON (docs/events.md). Records
   * without it (written before it existed, or by another writer) are decoded and kept by the node
   * they name.
   */
  public static final String NODE_HEADER = "gadgetflow_node";

  public ControlRecord {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    filter = filter == null ? new TraceFilter(null, null, null, null) : filter;
  }

  /**
   * The record that starts a Stream trace in namespace {@code gadget}, as the controller publishes
   * it for a Trace's first start (generation 1, no output, no parameters): what those who write in
   * a controller's place publish (tests, benchmarks, the node image's training run).
   *
   * @param filter the containers the trace is limited to, or null for all
   */
  public static ControlRecord streamStart(
      String name,
      String uid,
      String node,
      String gadget,
      TraceFilter filter,
      String operationId,
      Instant time) {
    return new ControlRecord(
        "gadget",
        name,
        uid,
        1,
        node,
        gadget,
        filter,
        OutputMode.STREAM,
        null,
        Map.of(),
        Operation.START,
        operationId,
        true,
        time);
  }
}
