package io.gadgetflow.node.gadget.trace.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.testing.RecordSchemas;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Records laid out as struct dns_event, with DNS messages as a server writes them. */
class DnsEventDecoderTest {
  private static final byte[] CLIENT = {10, 0, 0, 5};
  private static final byte[] SERVER = {10, 0, 0, 53};
  private static final int OUTGOING = 4;
  private static final int HOST = 0;

  private final DnsEventDecoder decoder = new DnsEventDecoder(0);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void decodesAQuery() {
    byte[] query = message(0x1234, 0x0100, 1, 0, question("example.com", 1), new byte[0]);

    JsonNode event = decode(record(OUTGOING, 4, 40000, 53, CLIENT, SERVER, 0, query));

    assertThat(event.get("qr").asText()).isEqualTo("Q");
    assertThat(event.get("id").asText()).isEqualTo("1234");
    assertThat(event.get("name").asText()).isEqualTo("example.com.");
    assertThat(event.get("qtype").asText()).isEqualTo("A");
    assertThat(event.get("pktType").asText()).isEqualTo("OUTGOING");
    assertThat(event.get("nameserver").asText()).isEqualTo("10.0.0.53");
    assertThat(event.get("srcPort").asInt()).isEqualTo(40000);
    assertThat(event.get("protocol").asText()).isEqualTo("UDP");
    assertThat(event.get("netnsid").asLong()).isEqualTo(4026532000L);
    assertThat(event.get("tid").asLong()).isEqualTo(78);
    assertThat(event.get("gid").asLong()).isEqualTo(1000);
    assertThat(event.has("rcode")).isFalse();
    assertThat(event.has("latency")).isFalse();
    assertThat(event.get("addresses")).isEmpty();
  }

  @Test
  void decodesAResponseWithCompressedAnswersOfBothFamilies() {
    // Answers name the question by a pointer to offset 12, where its name starts.
    byte[] pointer = {(byte) 0xC0, 12};
    byte[] answers =
        concat(
            answer(pointer, 1, new byte[] {93, (byte) 184, (byte) 215, 14}),
            answer(pointer, 5, concat(new byte[] {3}, ascii("www"), pointer)),
            answer(pointer, 28, ipv6("2606:2800:220:1:248:1893:25c8:1946")));
    byte[] response = message(0xBEEF, 0x8180, 1, 3, question("example.com", 1), answers);

    JsonNode event = decode(record(HOST, 4, 53, 40000, SERVER, CLIENT, 1_500_000, response));

    assertThat(event.get("qr").asText()).isEqualTo("R");
    assertThat(event.get("rcode").asText()).isEqualTo("No Error");
    assertThat(event.get("latency").asLong()).isEqualTo(1_500_000);
    assertThat(event.get("numAnswers").asInt()).isEqualTo(3);
    assertThat(event.get("addresses").toString())
        .isEqualTo("[\"93.184.215.14\",\"2606:2800:220:1:248:1893:25c8:1946\"]");
    assertThat(event.get("nameserver").asText()).isEqualTo("10.0.0.53");
    assertThat(event.get("pktType").asText()).isEqualTo("HOST");
  }

  @Test
  void namesTheResponseCodeAndTheQueryType() {
    byte[] nxdomain = message(1, 0x8183, 1, 0, question("missing.test", 28), new byte[0]);

    JsonNode event = decode(record(HOST, 6, 53, 40000, v6(1), v6(2), 0, nxdomain));

    assertThat(event.get("rcode").asText()).isEqualTo("Non-Existent Domain");
    assertThat(event.get("qtype").asText()).isEqualTo("AAAA");
    assertThat(event.get("srcIP").asText()).isEqualTo("::1");
    assertThat(event.has("latency")).as("no query matched it").isFalse();
  }

  @Test
  void aMessageCutShortKeepsWhatCouldBeRead() {
    byte[] answers = answer(new byte[] {(byte) 0xC0, 12}, 1, new byte[] {1, 2, 3, 4});
    byte[] response = message(2, 0x8180, 1, 1, question("cut.test", 1), answers);
    byte[] cut = java.util.Arrays.copyOf(response, response.length - 2);

    JsonNode event = decode(record(HOST, 4, 53, 40000, SERVER, CLIENT, 0, cut));

    assertThat(event.get("name").asText()).isEqualTo("cut.test.");
    assertThat(event.get("numAnswers").asInt()).isEqualTo(1);
    assertThat(event.get("addresses")).isEmpty();
  }

  @Test
  void aPointerLoopEndsTheName() {
    byte[] looping =
        message(3, 0x0100, 1, 0, new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1}, new byte[0]);

    JsonNode event = decode(record(OUTGOING, 4, 40000, 53, CLIENT, SERVER, 0, looping));

    assertThat(event.get("name").asText()).isEmpty();
    assertThat(event.get("qtype").asText()).isEqualTo("UNASSIGNED");
  }

  @Test
  void aRecordOfTheWrongSizeOrVersionIsCountedAndSkipped() {
    byte[] query = message(1, 0x0100, 1, 0, question("a.b", 1), new byte[0]);
    byte[] badVersion = record(OUTGOING, 5, 1, 53, CLIENT, SERVER, 0, query);
    MemorySegment shortRecord = MemorySegment.ofArray(new byte[100]);

    assertThat(decoder.decode(MemorySegment.ofArray(badVersion), 0, badVersion.length, out))
        .isFalse();
    assertThat(decoder.decode(shortRecord, 0, 100, out)).isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(2);
  }

  /** Decodes, ends the event as the agent does for a host's packet, and checks its schema. */
  private JsonNode decode(byte[] record) {
    assertThat(decoder.decode(MemorySegment.ofArray(record), 0, record.length, out)).isTrue();
    EventRecords.endAsHostEvent(out, "node-1");
    RecordSchemas.assertValid("event-dns.json", out.toString());
    return EventRecords.parse(out);
  }

  /** struct dns_event: packet header (56), packet fields, latency, addresses, message. */
  private static byte[] record(
      int packetType,
      int ipVersion,
      int sourcePort,
      int destinationPort,
      byte[] source,
      byte[] destination,
      long latencyNanos,
      byte[] dns) {
    ByteBuffer record = EventRecords.withHeader(DnsEventDecoder.RECORD_BYTES, 77, 0, "dig");
    record
        .putInt((int) 4026532000L)
        .putInt(78)
        .putInt(1000)
        .putInt(0)
        .put((byte) packetType)
        .put((byte) ipVersion)
        .putShort((short) sourcePort)
        .putShort((short) destinationPort)
        .putShort((short) dns.length)
        .putLong(latencyNanos);
    record.put(java.util.Arrays.copyOf(source, 16)).put(java.util.Arrays.copyOf(destination, 16));
    record.put(dns);
    return record.array();
  }

  private static byte[] message(
      int id, int flags, int questions, int answers, byte[] question, byte[] answerSection) {
    ByteBuffer header = ByteBuffer.allocate(12);
    header.putShort((short) id).putShort((short) flags).putShort((short) questions);
    header.putShort((short) answers).putShort((short) 0).putShort((short) 0);
    return concat(header.array(), question, answerSection);
  }

  /** The name as labels, then type and class IN. */
  private static byte[] question(String name, int type) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (String label : name.split("\\.")) {
      bytes.write(label.length());
      bytes.writeBytes(ascii(label));
    }
    bytes.write(0);
    bytes.writeBytes(new byte[] {(byte) (type >> 8), (byte) type, 0, 1});
    return bytes.toByteArray();
  }

  private static byte[] answer(byte[] name, int type, byte[] data) {
    ByteBuffer fixed = ByteBuffer.allocate(10);
    fixed.putShort((short) type).putShort((short) 1).putInt(300).putShort((short) data.length);
    return concat(name, fixed.array(), data);
  }

  private static byte[] ipv6(String address) {
    try {
      return java.net.InetAddress.getByName(address).getAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static byte[] v6(int last) {
    byte[] address = new byte[16];
    address[15] = (byte) last;
    return address;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      bytes.writeBytes(part);
    }
    return bytes.toByteArray();
  }
}
