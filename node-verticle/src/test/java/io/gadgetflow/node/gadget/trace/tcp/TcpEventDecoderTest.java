package io.gadgetflow.node.gadget.trace.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TcpEventDecoderTest {
  private static final int RECORD_BYTES = 80;
  private static final byte[] V4 = {10, 0, 0, 1};
  private static final byte[] V4_PEER = {(byte) 192, (byte) 168, 1, 2};

  private final TcpEventDecoder decoder = new TcpEventDecoder(0);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void decodesAnIpv4Connect() {
    JsonNode event = decode(record(0, 4, 40000, 443, V4, V4_PEER));

    assertThat(event.get("operation").asText()).isEqualTo("connect");
    assertThat(event.get("ipversion").asInt()).isEqualTo(4);
    assertThat(event.get("saddr").asText()).isEqualTo("10.0.0.1");
    assertThat(event.get("daddr").asText()).isEqualTo("192.168.1.2");
    assertThat(event.get("sport").asInt()).isEqualTo(40000);
    assertThat(event.get("dport").asInt()).isEqualTo(443);
    assertThat(event.get("pid").asLong()).isEqualTo(77);
  }

  @Test
  void anIpv4MappedIpv6SocketIsReportedAsIpv4() {
    JsonNode event = decode(record(1, 6, 8080, 50000, mapped(V4), mapped(V4_PEER)));

    assertThat(event.get("operation").asText()).isEqualTo("accept");
    assertThat(event.get("ipversion").asInt()).isEqualTo(4);
    assertThat(event.get("saddr").asText()).isEqualTo("10.0.0.1");
  }

  @Test
  void decodesAnIpv6Close() {
    byte[] loopback = new byte[16];
    loopback[15] = 1;

    JsonNode event = decode(record(2, 6, 1, 2, loopback, loopback));

    assertThat(event.get("operation").asText()).isEqualTo("close");
    assertThat(event.get("ipversion").asInt()).isEqualTo(6);
    assertThat(event.get("daddr").asText()).isEqualTo("::1");
  }

  @Test
  void anUnknownOperationOrVersionIsCountedAndSkipped() {
    assertThat(decoder.decode(segment(record(3, 4, 1, 2, V4, V4)), 0, RECORD_BYTES, out)).isFalse();
    assertThat(decoder.decode(segment(record(0, 5, 1, 2, V4, V4)), 0, RECORD_BYTES, out)).isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(2);
  }

  private static byte[] mapped(byte[] v4) {
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xff;
    v6[11] = (byte) 0xff;
    System.arraycopy(v4, 0, v6, 12, 4);
    return v6;
  }

  private static ByteBuffer record(
      int operation, int ipVersion, int sport, int dport, byte[] saddr, byte[] daddr) {
    ByteBuffer record = EventRecords.withHeader(RECORD_BYTES, 77, 0, "curl");
    record.put((byte) operation).put((byte) ipVersion).putShort((short) sport);
    record.putShort((short) dport).putShort((short) 0);
    record.put(saddr).position(64).put(daddr);
    return record;
  }

  private static MemorySegment segment(ByteBuffer record) {
    return MemorySegment.ofArray(record.array());
  }

  private JsonNode decode(ByteBuffer record) {
    assertThat(decoder.decode(segment(record), 0, RECORD_BYTES, out)).isTrue();
    EventRecords.endAsHostEvent(out, "node-1");
    RecordSchemas.assertValid("event-tcptracer.json", out.toString());
    return EventRecords.parse(out);
  }
}
