package io.gadgetflow.node.control;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.kafka.ContractRecords;
import io.gadgetflow.kafka.ContractRecords.Read;
import io.gadgetflow.kafka.RecordFault;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Picks one node's records out of its partition of the control topic, which it shares with the
 * other nodes whose names map to it ({@code ControlPartitions}; in a topic of one partition, every
 * node). A record whose header names another node ({@link ControlRecord#NODE_HEADER}, set by the
 * controller) is passed over by comparing its bytes, without decoding the JSON (docs/scale.md, run
 * E). A record without the header (written before it existed, or by another writer) is decoded and
 * kept when its value names this node. A trace that was this node's is told as gone when its record
 * turns into a tombstone or names another node; a tombstone of a trace this node never had is
 * passed over.
 *
 * <p>Used on the control reader's thread only.
 */
final class NodeControlRecords {

  /** What the reader does with one record. */
  sealed interface Outcome {
    /**
     * Hand it to the agent.
     *
     * @param record this node's desired state of the trace, or null: the trace is no longer this
     *     node's (deleted, or now another node's)
     */
    record Deliver(String traceUid, ControlRecord record) implements Outcome {}

    /** Another node's record, or a tombstone of a trace this node never had. */
    record PassOver() implements Outcome {}

    /** Not a trace's desired state: counted and skipped. */
    record Skip(RecordFault fault, String detail) implements Outcome {}
  }

  private static final Outcome PASS_OVER = new Outcome.PassOver();

  private final String nodeName;
  private final byte[] nodeHeader;

  /** Traces whose last record delivered was this node's. */
  private final Set<String> delivered = new HashSet<>();

  NodeControlRecords(String nodeName) {
    this.nodeName = nodeName;
    this.nodeHeader = nodeName.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param node the value of the record's {@link ControlRecord#NODE_HEADER}, or null without one
   */
  Outcome of(String traceUid, byte[] value, byte[] node) {
    if (traceUid != null && value == null) {
      return noLongerMine(traceUid);
    }
    if (node != null && !Arrays.equals(node, nodeHeader)) {
      return traceUid == null ? PASS_OVER : noLongerMine(traceUid);
    }
    return switch (ContractRecords.controlRecord(traceUid, value)) {
      case Read.Valid<ControlRecord>(ControlRecord record) -> {
        if (!nodeName.equals(record.node())) {
          yield noLongerMine(traceUid);
        }
        delivered.add(traceUid);
        yield new Outcome.Deliver(traceUid, record);
      }
      case Read.Skipped<ControlRecord>(RecordFault fault, String detail) ->
          new Outcome.Skip(fault, detail);
    };
  }

  private Outcome noLongerMine(String traceUid) {
    return delivered.remove(traceUid) ? new Outcome.Deliver(traceUid, null) : PASS_OVER;
  }
}
