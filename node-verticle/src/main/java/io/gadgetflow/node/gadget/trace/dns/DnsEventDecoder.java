package io.gadgetflow.node.gadget.trace.dns;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.IpAddresses;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.gadget.PacketEventHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.HexFormat;

/**
 * Decodes {@code struct dns_event} of src/main/bpf/trace/dns/program.bpf.c into Inspektor Gadget's
 * dns event: the packet header's netnsid, pid, tid, comm, uid, gid; srcIP, dstIP, srcPort, dstPort,
 * protocol; the message's id, qr, nameserver, pktType, qtype, name, rcode and latency (of
 * responses), numAnswers and addresses.
 */
public final class DnsEventDecoder implements EventDecoder {
  /** {@code struct dns_event}: an IPv4 address fills the first 4 bytes of its array. */
  static final StructLayout DNS_EVENT =
      structLayout(
              PacketEventHeader.MEMBER,
              JAVA_BYTE.withName("pkt_type"),
              JAVA_BYTE.withName("ip_version"),
              JAVA_SHORT.withName("sport"),
              JAVA_SHORT.withName("dport"),
              JAVA_SHORT.withName("dns_bytes"),
              JAVA_LONG.withName("latency_ns"),
              sequenceLayout(16, JAVA_BYTE).withName("saddr"),
              sequenceLayout(16, JAVA_BYTE).withName("daddr"),
              sequenceLayout(512, JAVA_BYTE).withName("dns"))
          .withName("dns_event");

  private static final long PKT_TYPE_OFFSET = offsetOf(DNS_EVENT, "pkt_type");
  private static final long IP_VERSION_OFFSET = offsetOf(DNS_EVENT, "ip_version");
  private static final long SPORT_OFFSET = offsetOf(DNS_EVENT, "sport");
  private static final long DPORT_OFFSET = offsetOf(DNS_EVENT, "dport");
  private static final long DNS_BYTES_OFFSET = offsetOf(DNS_EVENT, "dns_bytes");
  private static final long LATENCY_OFFSET = offsetOf(DNS_EVENT, "latency_ns");
  private static final long SADDR_OFFSET = offsetOf(DNS_EVENT, "saddr");
  private static final long DADDR_OFFSET = offsetOf(DNS_EVENT, "daddr");
  private static final long DNS_OFFSET = offsetOf(DNS_EVENT, "dns");
  private static final int IPV6_ADDRESS_BYTES = sizeOf(DNS_EVENT, "saddr");
  private static final int MAX_DNS_BYTES = sizeOf(DNS_EVENT, "dns");
  static final int RECORD_BYTES = Math.toIntExact(DNS_EVENT.byteSize());

  /** Linux's packet types (linux/if_packet.h), as Inspektor Gadget names them. */
  private static final String[] PACKET_TYPES = {
    "HOST", "BROADCAST", "MULTICAST", "OTHERHOST", "OUTGOING", "LOOPBACK", "USER", "KERNEL"
  };

  private static final JsonName SRC_IP = JsonName.of("srcIP");
  private static final JsonName DST_IP = JsonName.of("dstIP");
  private static final JsonName SRC_PORT = JsonName.of("srcPort");
  private static final JsonName DST_PORT = JsonName.of("dstPort");
  private static final JsonName PROTOCOL = JsonName.of("protocol");
  private static final JsonName ID = JsonName.of("id");
  private static final JsonName QR = JsonName.of("qr");
  private static final JsonName NAMESERVER = JsonName.of("nameserver");
  private static final JsonName PKT_TYPE = JsonName.of("pktType");
  private static final JsonName QTYPE = JsonName.of("qtype");
  private static final JsonName NAME = JsonName.of("name");
  private static final JsonName RCODE = JsonName.of("rcode");
  private static final JsonName LATENCY = JsonName.of("latency");
  private static final JsonName NUM_ANSWERS = JsonName.of("numAnswers");
  private static final JsonName ADDRESSES = JsonName.of("addresses");
  private static final String UDP = "UDP";
  private static final HexFormat HEX = HexFormat.of();

  private final long bootToEpochNanos;
  private long malformedRecords;

  public DnsEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, RECORD_BYTES)) {
      malformedRecords++;
      return false;
    }
    int packetType = ring.get(JAVA_BYTE, offset + PKT_TYPE_OFFSET);
    int ipVersion = ring.get(JAVA_BYTE, offset + IP_VERSION_OFFSET);
    int dnsBytes = Short.toUnsignedInt(ring.get(JAVA_SHORT_UNALIGNED, offset + DNS_BYTES_OFFSET));
    if ((ipVersion != 4 && ipVersion != 6)
        || dnsBytes < DnsMessage.HEADER_BYTES
        || dnsBytes > MAX_DNS_BYTES) {
      malformedRecords++;
      return false;
    }
    int addressBytes = ipVersion == 4 ? 4 : IPV6_ADDRESS_BYTES;
    String source = IpAddresses.readText(ring, offset + SADDR_OFFSET, addressBytes);
    String destination = IpAddresses.readText(ring, offset + DADDR_OFFSET, addressBytes);
    DnsMessage message = DnsMessage.read(ring, offset + DNS_OFFSET, dnsBytes);

    PacketEventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    out.field(SRC_IP, source);
    out.field(DST_IP, destination);
    out.field(SRC_PORT, port(ring, offset + SPORT_OFFSET));
    out.field(DST_PORT, port(ring, offset + DPORT_OFFSET));
    out.field(PROTOCOL, UDP);
    out.field(ID, HEX.toHexDigits((short) message.id()));
    out.field(QR, message.response() ? "R" : "Q");
    out.field(NAMESERVER, message.response() ? source : destination);
    out.field(
        PKT_TYPE,
        packetType >= 0 && packetType < PACKET_TYPES.length ? PACKET_TYPES[packetType] : "UNKNOWN");
    out.field(QTYPE, DnsNames.queryType(message.queryType()));
    out.field(NAME, message.name());
    if (message.response()) {
      out.field(RCODE, DnsNames.responseCode(message.responseCode()));
      long latency = ring.get(JAVA_LONG_UNALIGNED, offset + LATENCY_OFFSET);
      if (latency > 0) {
        out.field(LATENCY, latency);
      }
    }
    out.field(NUM_ANSWERS, message.answerCount());
    out.beginArrayField(ADDRESSES);
    message.addresses().forEach(out::stringElement);
    out.endArray();
    return true;
  }

  private static int port(MemorySegment ring, long offset) {
    return Short.toUnsignedInt(ring.get(JAVA_SHORT_UNALIGNED, offset));
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
