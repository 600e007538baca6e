package io.gadgetflow.node.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.kafka.RecordFault;
import io.gadgetflow.node.control.NodeControlRecords.Outcome;
import io.gadgetflow.testing.StreamTraceStarts;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * An agent keeps its own node's control records and passes over the others', without decoding them
 * when the controller named the node in a header.
 */
class NodeControlRecordsTest {
  private static final String NODE = "node-a";

  private final NodeControlRecords records = new NodeControlRecords(NODE);

  @Test
  void anotherNodesRecordIsPassedOverWithoutDecodingIt() {
    // Not JSON: decoded, it would be skipped as a bad record.
    byte[] notJson = "{not json".getBytes(StandardCharsets.UTF_8);

    assertThat(records.of("uid-1", notJson, header("node-b"))).isEqualTo(new Outcome.PassOver());
    assertThat(records.of("uid-1", notJson, null))
        .isInstanceOfSatisfying(
            Outcome.Skip.class, skip -> assertThat(skip.fault()).isEqualTo(RecordFault.NOT_JSON));
  }

  @Test
  void thisNodesRecordIsDeliveredWithTheHeaderAndWithout() {
    ControlRecord start = record("uid-1", NODE);

    assertThat(records.of("uid-1", Json.encode(start), header(NODE)))
        .isEqualTo(new Outcome.Deliver("uid-1", start));
    assertThat(records.of("uid-1", Json.encode(start), null))
        .isEqualTo(new Outcome.Deliver("uid-1", start));
  }

  @Test
  void aRecordWithoutTheHeaderIsKeptByTheNodeItsValueNames() {
    assertThat(records.of("uid-1", Json.encode(record("uid-1", "node-b")), null))
        .isEqualTo(new Outcome.PassOver());
  }

  @Test
  void aTraceOfThisNodeIsGoneWhenDeletedOrGivenToAnotherNode() {
    records.of("uid-1", Json.encode(record("uid-1", NODE)), header(NODE));
    records.of("uid-2", Json.encode(record("uid-2", NODE)), header(NODE));

    assertThat(records.of("uid-1", null, null)).isEqualTo(new Outcome.Deliver("uid-1", null));
    assertThat(records.of("uid-2", Json.encode(record("uid-2", "node-b")), header("node-b")))
        .isEqualTo(new Outcome.Deliver("uid-2", null));
    // Told once: after that they are other nodes' traces like any.
    assertThat(records.of("uid-1", null, null)).isEqualTo(new Outcome.PassOver());
    assertThat(records.of("uid-2", Json.encode(record("uid-2", "node-b")), header("node-b")))
        .isEqualTo(new Outcome.PassOver());
  }

  @Test
  void aTombstoneOfATraceThisNodeNeverHadIsPassedOver() {
    assertThat(records.of("uid-9", null, null)).isEqualTo(new Outcome.PassOver());
  }

  private static byte[] header(String node) {
    return node.getBytes(StandardCharsets.UTF_8);
  }

  private static ControlRecord record(String uid, String node) {
    return StreamTraceStarts.of(
        "exec", uid, node, "execsnoop", "op-" + uid, Instant.parse("2026-12-07T01:00:00Z"));
  }
}
