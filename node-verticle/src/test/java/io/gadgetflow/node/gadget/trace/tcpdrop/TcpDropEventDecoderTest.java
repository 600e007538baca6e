package io.gadgetflow.node.gadget.trace.tcpdrop;

import static io.gadgetflow.node.gadget.TcpConnectionRecords.ESTABLISHED;
import static io.gadgetflow.node.gadget.TcpConnectionRecords.PSH_ACK;
import static io.gadgetflow.node.gadget.TcpConnectionRecords.v4;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.TcpConnectionRecords;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TcpDropEventDecoderTest {
  private static final int RECORD_BYTES =
      Math.toIntExact(TcpDropEventDecoder.TCPDROP_EVENT.byteSize());

  /** Made-up numbers: the names come from the running kernel, whatever their numbers there. */
  private static final DropReasons REASONS =
      new DropReasons(
          Map.of(
              2L, "SKB_DROP_REASON_NOT_SPECIFIED",
              30L, "SKB_DROP_REASON_NO_SOCKET",
              31L, "SKB_DROP_REASON_NETFILTER_DROP"));

  private final TcpDropEventDecoder decoder = new TcpDropEventDecoder(0, REASONS);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void decodesADropOfASocketsPacketWithItsReason() {
    JsonNode event = decode(record(31, 4242, "curl", ESTABLISHED, PSH_ACK));

    assertThat(event.get("reason").asText()).isEqualTo("NETFILTER_DROP");
    assertThat(event.get("pid").asLong()).isEqualTo(4242);
    assertThat(event.get("comm").asText()).isEqualTo("curl");
    assertThat(event.get("state").asText()).isEqualTo("ESTABLISHED");
    assertThat(event.get("tcpflags").asText()).isEqualTo("PSH|ACK");
    assertThat(event.get("saddr").asText()).isEqualTo("10.0.0.1");
    assertThat(event.get("sport").asInt()).isEqualTo(80);
    assertThat(event.get("daddr").asText()).isEqualTo("10.0.0.2");
    assertThat(event.get("dport").asInt()).isEqualTo(50000);
  }

  @Test
  void aPacketWithoutASocketHasNoStateAndNoOwner() {
    JsonNode event = decode(record(30, 0, "", 0, 0x02));

    assertThat(event.get("reason").asText()).isEqualTo("NO_SOCKET");
    assertThat(event.get("state").asText()).isEmpty();
    assertThat(event.get("pid").asLong()).isZero();
    assertThat(event.get("tcpflags").asText()).isEqualTo("SYN");
  }

  @Test
  void aReasonTheKernelDoesNotNameIsUnknownWithItsNumber() {
    assertThat(decode(record(99, 1, "a", ESTABLISHED, 0)).get("reason").asText())
        .isEqualTo("UNKNOWN#99");
  }

  @Test
  void aShortRecordIsCountedAndSkipped() {
    ByteBuffer record = record(31, 1, "a", ESTABLISHED, 0);

    assertThat(decoder.decode(MemorySegment.ofArray(record.array()), 0, RECORD_BYTES - 4, out))
        .isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(1);
  }

  private static ByteBuffer record(int reason, int pid, String comm, int state, int flags) {
    ByteBuffer record = EventRecords.withHeader(RECORD_BYTES, pid, 0, comm);
    TcpConnectionRecords.put(
        record, 1, 4, state, flags, 80, 50000, v4(10, 0, 0, 1), v4(10, 0, 0, 2));
    return record.putInt(reason);
  }

  private JsonNode decode(ByteBuffer record) {
    assertThat(record.position()).isEqualTo(RECORD_BYTES);
    assertThat(decoder.decode(MemorySegment.ofArray(record.array()), 0, RECORD_BYTES, out))
        .isTrue();
    EventRecords.endAsHostEvent(out, "node-1");
    RecordSchemas.assertValid("event-tcpdrop.json", out.toString());
    return EventRecords.parse(out);
  }
}
