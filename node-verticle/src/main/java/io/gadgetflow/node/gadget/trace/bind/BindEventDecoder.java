package io.gadgetflow.node.gadget.trace.bind;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.IpAddresses;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.Map;

/**
 * Decodes {@code struct bind_event} of src/main/bpf/trace/bind/program.bpf.c into bindsnoop's
 * event: pid, comm, proto, addr, port, opts, if, uid, gid, ret.
 */
public final class BindEventDecoder implements EventDecoder {
  /** {@code struct bind_event}: an IPv4 address fills the first 4 bytes of {@code addr}. */
  static final StructLayout BIND_EVENT =
      structLayout(
              EventHeader.MEMBER,
              JAVA_INT.withName("ret"),
              JAVA_INT.withName("gid"),
              JAVA_SHORT.withName("port"),
              JAVA_SHORT.withName("protocol"),
              JAVA_BYTE.withName("ip_version"),
              JAVA_BYTE.withName("options"),
              sequenceLayout(2, JAVA_BYTE).withName("padding"),
              sequenceLayout(16, JAVA_BYTE).withName("addr"),
              sequenceLayout(16, JAVA_BYTE).withName("interface"))
          .withName("bind_event");

  private static final long RET_OFFSET = offsetOf(BIND_EVENT, "ret");
  private static final long GID_OFFSET = offsetOf(BIND_EVENT, "gid");
  private static final long PORT_OFFSET = offsetOf(BIND_EVENT, "port");
  private static final long PROTOCOL_OFFSET = offsetOf(BIND_EVENT, "protocol");
  private static final long IP_VERSION_OFFSET = offsetOf(BIND_EVENT, "ip_version");
  private static final long OPTIONS_OFFSET = offsetOf(BIND_EVENT, "options");
  private static final long ADDR_OFFSET = offsetOf(BIND_EVENT, "addr");
  private static final int IPV6_ADDRESS_BYTES = sizeOf(BIND_EVENT, "addr");
  private static final long INTERFACE_OFFSET = offsetOf(BIND_EVENT, "interface");
  private static final int INTERFACE_BYTES = sizeOf(BIND_EVENT, "interface");
  private static final int RECORD_BYTES = Math.toIntExact(BIND_EVENT.byteSize());

  /**
   * {@code options} bit by bit from the highest, as bcc's bindsnoop and Inspektor Gadget print
   * them: SO_REUSEPORT, SO_REUSEADDR, IP_BIND_ADDRESS_NO_PORT, IP_TRANSPARENT, IP_FREEBIND.
   */
  private static final String OPTION_LETTERS = "rRNTF";

  /** The text of each value of the 5 option bits, made once. */
  private static final String[] OPTIONS_TEXT = new String[1 << OPTION_LETTERS.length()];

  static {
    for (int bits = 0; bits < OPTIONS_TEXT.length; bits++) {
      OPTIONS_TEXT[bits] = options(bits);
    }
  }

  /** IPPROTO_* of include/uapi/linux/in.h, by the names Inspektor Gadget prints. */
  private static final Map<Integer, String> PROTOCOLS =
      Map.ofEntries(
          Map.entry(0, "IP"),
          Map.entry(1, "ICMP"),
          Map.entry(2, "IGMP"),
          Map.entry(4, "IPIP"),
          Map.entry(6, "TCP"),
          Map.entry(8, "EGP"),
          Map.entry(12, "PUP"),
          Map.entry(17, "UDP"),
          Map.entry(22, "IDP"),
          Map.entry(29, "TP"),
          Map.entry(33, "DCCP"),
          Map.entry(41, "IPV6"),
          Map.entry(46, "RSVP"),
          Map.entry(47, "GRE"),
          Map.entry(50, "ESP"),
          Map.entry(51, "AH"),
          Map.entry(58, "ICMPV6"),
          Map.entry(92, "MTP"),
          Map.entry(94, "BEETPH"),
          Map.entry(98, "ENCAP"),
          Map.entry(103, "PIM"),
          Map.entry(108, "COMP"),
          Map.entry(132, "SCTP"),
          Map.entry(136, "UDPLITE"),
          Map.entry(137, "MPLS"),
          Map.entry(143, "ETHERNET"),
          Map.entry(255, "RAW"),
          Map.entry(262, "MPTCP"));

  private static final JsonName PROTO = JsonName.of("proto");
  private static final JsonName ADDR = JsonName.of("addr");
  private static final JsonName PORT = JsonName.of("port");
  private static final JsonName OPTS = JsonName.of("opts");
  private static final JsonName INTERFACE = JsonName.of("if");
  private static final JsonName GID = JsonName.of("gid");
  private static final JsonName RET = JsonName.of("ret");

  private final long bootToEpochNanos;
  private long malformedRecords;

  public BindEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, RECORD_BYTES)) {
      malformedRecords++;
      return false;
    }
    int ipVersion = ring.get(JAVA_BYTE, offset + IP_VERSION_OFFSET);
    if (ipVersion != 4 && ipVersion != 6) {
      malformedRecords++;
      return false;
    }
    int protocol = Short.toUnsignedInt(ring.get(JAVA_SHORT_UNALIGNED, offset + PROTOCOL_OFFSET));
    EventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    EventHeader.writePid(ring, offset, out);
    EventHeader.writeComm(ring, offset, out);
    out.field(PROTO, PROTOCOLS.getOrDefault(protocol, "UNKNOWN"));
    out.field(
        ADDR,
        IpAddresses.readText(
            ring, offset + ADDR_OFFSET, ipVersion == 4 ? Integer.BYTES : IPV6_ADDRESS_BYTES));
    out.field(PORT, Short.toUnsignedInt(ring.get(JAVA_SHORT_UNALIGNED, offset + PORT_OFFSET)));
    out.field(
        OPTS,
        OPTIONS_TEXT[ring.get(JAVA_BYTE, offset + OPTIONS_OFFSET) & (OPTIONS_TEXT.length - 1)]);
    out.cStringField(INTERFACE, ring, offset + INTERFACE_OFFSET, INTERFACE_BYTES);
    EventHeader.writeUid(ring, offset, out);
    out.unsignedField(GID, ring.get(JAVA_INT_UNALIGNED, offset + GID_OFFSET));
    out.field(RET, ring.get(JAVA_INT_UNALIGNED, offset + RET_OFFSET));
    return true;
  }

  /** A letter per option set, a dot per option not set, the highest bit first. */
  private static String options(int bits) {
    StringBuilder text = new StringBuilder(OPTION_LETTERS.length());
    for (int i = 0; i < OPTION_LETTERS.length(); i++) {
      int bit = OPTION_LETTERS.length() - 1 - i;
      text.append((bits & (1 << bit)) != 0 ? OPTION_LETTERS.charAt(i) : '.');
    }
    return text.toString();
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
