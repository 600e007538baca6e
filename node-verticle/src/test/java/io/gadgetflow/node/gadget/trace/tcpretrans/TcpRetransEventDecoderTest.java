package io.gadgetflow.node.gadget.trace.tcpretrans;

import static io.gadgetflow.node.gadget.TcpConnectionRecords.ESTABLISHED;
import static io.gadgetflow.node.gadget.TcpConnectionRecords.PSH_ACK;
import static io.gadgetflow.node.gadget.TcpConnectionRecords.mapped;
import static io.gadgetflow.node.gadget.TcpConnectionRecords.v4;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.TcpConnectionRecords;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class TcpRetransEventDecoderTest {
  private static final int RECORD_BYTES =
      Math.toIntExact(TcpRetransEventDecoder.TCPRETRANS_EVENT.byteSize());
  private static final int NETNS = (int) 4026532725L;

  private final TcpRetransEventDecoder decoder = new TcpRetransEventDecoder(0);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void decodesAnIpv4RetransmissionNamedAfterTheSocketsOwner() {
    JsonNode event =
        decode(record(4242, "nginx", 4, ESTABLISHED, PSH_ACK, v4(10, 0, 0, 1), v4(10, 0, 0, 2)));

    assertThat(event.get("pid").asLong()).isEqualTo(4242);
    assertThat(event.get("comm").asText()).isEqualTo("nginx");
    assertThat(event.get("mountnsid").asLong()).isEqualTo(EventRecords.MOUNT_NS_ID);
    assertThat(event.get("netnsid").asLong()).isEqualTo(4026532725L);
    assertThat(event.get("ipversion").asInt()).isEqualTo(4);
    assertThat(event.get("saddr").asText()).isEqualTo("10.0.0.1");
    assertThat(event.get("sport").asInt()).isEqualTo(40000);
    assertThat(event.get("daddr").asText()).isEqualTo("10.0.0.2");
    assertThat(event.get("dport").asInt()).isEqualTo(443);
    assertThat(event.get("state").asText()).isEqualTo("ESTABLISHED");
    assertThat(event.get("tcpflags").asText()).isEqualTo("PSH|ACK");
  }

  @Test
  void anUnknownOwnerIsPidZeroAndAnEmptyComm() {
    JsonNode event = decode(record(0, "", 4, 4, 0x11, v4(10, 0, 0, 1), v4(10, 0, 0, 2)));

    assertThat(event.get("pid").asLong()).isZero();
    assertThat(event.get("comm").asText()).isEmpty();
    assertThat(event.get("state").asText()).isEqualTo("FIN_WAIT1");
    assertThat(event.get("tcpflags").asText()).isEqualTo("FIN|ACK");
  }

  @Test
  void anIpv4MappedIpv6SocketIsReportedAsIpv4AndIpv6AsIpv6() {
    JsonNode mappedEvent =
        decode(
            record(
                1,
                "java",
                6,
                ESTABLISHED,
                PSH_ACK,
                mapped(v4(127, 0, 0, 1)),
                mapped(v4(127, 0, 0, 1))));
    byte[] loopback = new byte[16];
    loopback[15] = 1;
    JsonNode ipv6Event = decode(record(1, "java", 6, ESTABLISHED, PSH_ACK, loopback, loopback));

    assertThat(mappedEvent.get("ipversion").asInt()).isEqualTo(4);
    assertThat(mappedEvent.get("saddr").asText()).isEqualTo("127.0.0.1");
    assertThat(ipv6Event.get("ipversion").asInt()).isEqualTo(6);
    assertThat(ipv6Event.get("daddr").asText()).isEqualTo("::1");
  }

  @Test
  void aShortRecordOrAnUnknownIpVersionIsCountedAndSkipped() {
    ByteBuffer good = record(1, "a", 4, ESTABLISHED, 0, v4(1, 2, 3, 4), v4(5, 6, 7, 8));
    ByteBuffer badVersion = record(1, "a", 5, ESTABLISHED, 0, v4(1, 2, 3, 4), v4(5, 6, 7, 8));

    assertThat(decoder.decode(segment(good), 0, RECORD_BYTES - 8, out)).isFalse();
    assertThat(decoder.decode(segment(badVersion), 0, RECORD_BYTES, out)).isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(2);
  }

  private static ByteBuffer record(
      int pid, String comm, int ipVersion, int state, int flags, byte[] saddr, byte[] daddr) {
    ByteBuffer record = EventRecords.withHeader(RECORD_BYTES, pid, 0, comm);
    return TcpConnectionRecords.put(
        record, NETNS, ipVersion, state, flags, 40000, 443, saddr, daddr);
  }

  private static MemorySegment segment(ByteBuffer record) {
    return MemorySegment.ofArray(record.array());
  }

  private JsonNode decode(ByteBuffer record) {
    assertThat(record.position()).isEqualTo(EventHeader.BYTES + TcpConnectionRecords.BYTES);
    assertThat(decoder.decode(segment(record), 0, RECORD_BYTES, out)).isTrue();
    EventRecords.endAsHostEvent(out, "node-1");
    RecordSchemas.assertValid("event-tcpretrans.json", out.toString());
    return EventRecords.parse(out);
  }
}
