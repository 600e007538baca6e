package io.gadgetflow.node.gadget.trace.bind;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BindEventDecoderTest {
  private static final int RECORD_BYTES = (int) BindEventDecoder.BIND_EVENT.byteSize();

  private final BindEventDecoder decoder = new BindEventDecoder(0);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void decodesAnIpv4BindWithItsOptionsAndDevice() throws Exception {
    JsonNode event =
        decode(record(0, 1000, 8080, 6, 4, 0b01001, "127.0.0.1", "eth0"), RECORD_BYTES);

    assertThat(event.get("pid").asLong()).isEqualTo(77);
    assertThat(event.get("comm").asText()).isEqualTo("nginx");
    assertThat(event.get("proto").asText()).isEqualTo("TCP");
    assertThat(event.get("addr").asText()).isEqualTo("127.0.0.1");
    assertThat(event.get("port").asInt()).isEqualTo(8080);
    assertThat(event.get("opts").asText()).as("SO_REUSEADDR and IP_FREEBIND").isEqualTo(".R..F");
    assertThat(event.get("if").asText()).isEqualTo("eth0");
    assertThat(event.get("uid").asLong()).isEqualTo(33);
    assertThat(event.get("gid").asLong()).isEqualTo(1000);
    assertThat(event.get("ret").asInt()).isZero();
  }

  @Test
  void decodesAnIpv6BindAndItsError() throws Exception {
    JsonNode event = decode(record(-98, 0, 65535, 17, 6, 0b11111, "fe80::1", ""), RECORD_BYTES);

    assertThat(event.get("proto").asText()).isEqualTo("UDP");
    assertThat(event.get("addr").asText()).isEqualTo("fe80::1");
    assertThat(event.get("port").asInt()).isEqualTo(65535);
    assertThat(event.get("opts").asText()).isEqualTo("rRNTF");
    assertThat(event.get("if").asText()).isEmpty();
    assertThat(event.get("ret").asInt()).isEqualTo(-98);
  }

  @Test
  void anUnknownProtocolIsNamedUnknown() throws Exception {
    assertThat(
            decode(record(0, 0, 1, 200, 4, 0, "0.0.0.0", ""), RECORD_BYTES).get("proto").asText())
        .isEqualTo("UNKNOWN");
  }

  @Test
  void aShortRecordOrAnUnknownIpVersionIsCountedAndSkipped() throws Exception {
    ByteBuffer record = record(0, 0, 1, 6, 4, 0, "127.0.0.1", "");
    assertThat(decoder.decode(MemorySegment.ofArray(record.array()), 0, RECORD_BYTES - 1, out))
        .isFalse();
    ByteBuffer badVersion = record(0, 0, 1, 6, 5, 0, "127.0.0.1", "");
    assertThat(decoder.decode(MemorySegment.ofArray(badVersion.array()), 0, RECORD_BYTES, out))
        .isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(2);
  }

  private static ByteBuffer record(
      int ret,
      int gid,
      int port,
      int protocol,
      int ipVersion,
      int options,
      String address,
      String device)
      throws Exception {
    ByteBuffer record = EventRecords.withHeader(RECORD_BYTES, 77, 33, "nginx");
    record.order(ByteOrder.nativeOrder());
    record.putInt(ret).putInt(gid).putShort((short) port).putShort((short) protocol);
    record.put((byte) ipVersion).put((byte) options).put(new byte[2]);
    byte[] addr = new byte[16];
    byte[] given = InetAddress.getByName(address).getAddress();
    System.arraycopy(given, 0, addr, 0, given.length);
    record.put(addr);
    byte[] name = new byte[16];
    byte[] deviceBytes = device.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(deviceBytes, 0, name, 0, deviceBytes.length);
    record.put(name);
    return record;
  }

  private JsonNode decode(ByteBuffer record, int length) {
    assertThat(decoder.decode(MemorySegment.ofArray(record.array()), 0, length, out)).isTrue();
    EventRecords.endAsHostEvent(out, "node-1");
    RecordSchemas.assertValid("event-bindsnoop.json", out.toString());
    return EventRecords.parse(out);
  }
}
