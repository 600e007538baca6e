package io.gadgetflow.node.gadget.trace.tcpconnect;

import static io.gadgetflow.node.gadget.TcpConnectionRecords.v4;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.TcpConnectionRecords;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TcpConnectEventDecoderTest {
  private static final int RECORD_BYTES =
      Math.toIntExact(TcpConnectEventDecoder.TCPCONNECT_EVENT.byteSize());

  private final TcpConnectEventDecoder decoder = new TcpConnectEventDecoder(0);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void decodesAConnectWithItsLatencyAndError() {
    JsonNode event = decode(record(40_123_456L, 111, 4));

    assertThat(event.get("pid").asLong()).isEqualTo(77);
    assertThat(event.get("uid").asLong()).isEqualTo(1000);
    assertThat(event.get("comm").asText()).isEqualTo("curl");
    assertThat(event.get("ipversion").asInt()).isEqualTo(4);
    assertThat(event.get("saddr").asText()).isEqualTo("10.213.0.1");
    assertThat(event.get("sport").asInt()).isEqualTo(40000);
    assertThat(event.get("daddr").asText()).isEqualTo("10.213.0.2");
    assertThat(event.get("dport").asInt()).isEqualTo(443);
    assertThat(event.get("latency").asLong()).isEqualTo(40_123_456L);
    assertThat(event.get("error").asInt()).isEqualTo(111);
    assertThat(event.has("state")).as("a connect has no state field").isFalse();
  }

  @Test
  void aShortRecordOrAnUnknownIpVersionIsCountedAndSkipped() {
    ByteBuffer good = record(0, 0, 4);
    ByteBuffer badVersion = record(0, 0, 7);

    assertThat(decoder.decode(MemorySegment.ofArray(good.array()), 0, RECORD_BYTES - 8, out))
        .isFalse();
    assertThat(decoder.decode(MemorySegment.ofArray(badVersion.array()), 0, RECORD_BYTES, out))
        .isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(2);
  }

  private static ByteBuffer record(long latencyNanos, int error, int ipVersion) {
    ByteBuffer record = EventRecords.withHeader(RECORD_BYTES, 77, 1000, "curl");
    record.putLong(latencyNanos).putInt(error);
    return TcpConnectionRecords.put(
        record, 1, ipVersion, 0, 0, 40000, 443, v4(10, 213, 0, 1), v4(10, 213, 0, 2));
  }

  private JsonNode decode(ByteBuffer record) {
    assertThat(record.position()).isEqualTo(RECORD_BYTES);
    assertThat(decoder.decode(MemorySegment.ofArray(record.array()), 0, RECORD_BYTES, out))
        .isTrue();
    EventRecords.endAsHostEvent(out, "node-1");
    RecordSchemas.assertValid("event-tcpconnect.json", out.toString());
    return EventRecords.parse(out);
  }
}
