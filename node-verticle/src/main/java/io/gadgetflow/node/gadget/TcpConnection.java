package io.gadgetflow.node.gadget;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.net.InetAddress;

/**
 * {@code struct gadget_tcp_connection} of src/main/bpf/include/gadgetflow_tcp.h, the connection the
 * TCP gadgets report, written with Inspektor Gadget's names: {@code netns}, {@code ipversion},
 * {@code saddr}, {@code sport}, {@code daddr}, {@code dport} (this host's end first), {@code state}
 * and {@code tcpflags} as its {@code tcpbits} package names them.
 */
public final class TcpConnection {
  /** The member {@code connection} of an event struct. */
  public static final StructLayout MEMBER =
      structLayout(
              JAVA_INT.withName("netns_id"),
              JAVA_BYTE.withName("ip_version"),
              JAVA_BYTE.withName("state"),
              JAVA_BYTE.withName("tcpflags"),
              JAVA_BYTE.withName("padding"),
              JAVA_SHORT.withName("sport"),
              JAVA_SHORT.withName("dport"),
              sequenceLayout(16, JAVA_BYTE).withName("saddr"),
              sequenceLayout(16, JAVA_BYTE).withName("daddr"))
          .withName("connection");

  /** The flags of a TCP header's 14th byte, lowest bit first. */
  private static final String[] FLAGS = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

  private static final long NETNS_ID_OFFSET = offsetOf(MEMBER, "netns_id");
  private static final long IP_VERSION_OFFSET = offsetOf(MEMBER, "ip_version");
  private static final long STATE_OFFSET = offsetOf(MEMBER, "state");
  private static final long TCPFLAGS_OFFSET = offsetOf(MEMBER, "tcpflags");
  private static final long SPORT_OFFSET = offsetOf(MEMBER, "sport");
  private static final long DPORT_OFFSET = offsetOf(MEMBER, "dport");
  private static final long SADDR_OFFSET = offsetOf(MEMBER, "saddr");
  private static final long DADDR_OFFSET = offsetOf(MEMBER, "daddr");
  private static final int IPV6_ADDRESS_BYTES = sizeOf(MEMBER, "saddr");

  private static final JsonName NETNS_ID = JsonName.of("netnsid");
  private static final JsonName IP_VERSION = JsonName.of("ipversion");
  private static final JsonName SADDR = JsonName.of("saddr");
  private static final JsonName SPORT = JsonName.of("sport");
  private static final JsonName DADDR = JsonName.of("daddr");
  private static final JsonName DPORT = JsonName.of("dport");
  private static final JsonName STATE = JsonName.of("state");
  private static final JsonName TCPFLAGS = JsonName.of("tcpflags");

  private TcpConnection() {}

  /**
   * Begins the event of a record made of a {@code header} and a {@code connection} at {@code
   * connectionOffset}: the common fields, then the socket owner's {@code pid} and {@code comm},
   * then the connection's; false, writing nothing, when the record cannot be one (its length is the
   * caller's to check).
   */
  public static boolean beginEvent(
      MemorySegment ring,
      long offset,
      long connectionOffset,
      long bootToEpochNanos,
      JsonEventWriter out) {
    if (!isValid(ring, offset + connectionOffset)) {
      return false;
    }
    EventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    EventHeader.writePid(ring, offset, out);
    EventHeader.writeComm(ring, offset, out);
    write(ring, offset + connectionOffset, out);
    return true;
  }

  /** Whether the connection at {@code offset} is one the program can have written. */
  public static boolean isValid(MemorySegment ring, long offset) {
    int ipVersion = ring.get(JAVA_BYTE, offset + IP_VERSION_OFFSET);
    return ipVersion == 4 || ipVersion == 6;
  }

  /** Appends the connection's fields; check {@link #isValid} first. */
  static void write(MemorySegment ring, long offset, JsonEventWriter out) {
    writeEndpoints(ring, offset, out);
    out.field(STATE, stateName(Byte.toUnsignedInt(ring.get(JAVA_BYTE, offset + STATE_OFFSET))));
    out.field(
        TCPFLAGS, flagNames(Byte.toUnsignedInt(ring.get(JAVA_BYTE, offset + TCPFLAGS_OFFSET))));
  }

  /**
   * Appends the network namespace, IP version, addresses and ports, without state and flags; check
   * {@link #isValid} first.
   */
  public static void writeEndpoints(MemorySegment ring, long offset, JsonEventWriter out) {
    int addressBytes =
        ring.get(JAVA_BYTE, offset + IP_VERSION_OFFSET) == 4 ? 4 : IPV6_ADDRESS_BYTES;
    InetAddress source = IpAddresses.read(ring, offset + SADDR_OFFSET, addressBytes);
    InetAddress destination = IpAddresses.read(ring, offset + DADDR_OFFSET, addressBytes);
    out.unsignedField(NETNS_ID, ring.get(JAVA_INT_UNALIGNED, offset + NETNS_ID_OFFSET));
    // An IPv6 socket talking IPv4 (as Java's do) has IPv4-mapped addresses: say what is on the
    // wire.
    out.field(IP_VERSION, IpAddresses.version(source));
    out.field(SADDR, IpAddresses.text(source));
    out.field(SPORT, Short.toUnsignedInt(ring.get(JAVA_SHORT_UNALIGNED, offset + SPORT_OFFSET)));
    out.field(DADDR, IpAddresses.text(destination));
    out.field(DPORT, Short.toUnsignedInt(ring.get(JAVA_SHORT_UNALIGNED, offset + DPORT_OFFSET)));
  }

  /** {@code ESTABLISHED} and so on; empty for a packet without a socket (state 0). */
  static String stateName(int state) {
    if (state == 0) {
      return "";
    }
    String name = TcpStates.name(state);
    return name == null ? "UNKNOWN#" + state : name;
  }

  /** {@code FIN|ACK} and so on, in the header's bit order; empty for none. */
  static String flagNames(int flags) {
    StringBuilder names = new StringBuilder();
    for (int bit = 0; bit < FLAGS.length; bit++) {
      if ((flags & 1 << bit) != 0) {
        if (!names.isEmpty()) {
          names.append('|');
        }
        names.append(FLAGS[bit]);
      }
    }
    return names.toString();
  }
}
