package io.gadgetflow.node.gadget.top.tcp;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.gadgetflow.node.gadget.CStrings;
import io.gadgetflow.node.gadget.IpAddresses;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.gadget.TopRow;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * One row of tcptop: the bytes a process sent and received on one TCP connection over an interval,
 * from {@code struct tcp_id} and {@code struct tcp_stat} of src/main/bpf/top/tcp/program.bpf.c.
 *
 * @param family the socket's address family, as Inspektor Gadget reports it: AF_INET or AF_INET6
 * @param ipVersion what is on the wire: 4 also for an IPv6 socket with IPv4-mapped addresses
 */
record TcpStat(
    long mountNsId,
    long pid,
    String comm,
    int family,
    int ipVersion,
    String saddr,
    int sport,
    String daddr,
    int dport,
    long sent,
    long received)
    implements TopRow {

  static final int AF_INET = 2;
  static final int AF_INET6 = 10;

  static final StructLayout TCP_ID =
      structLayout(
              sequenceLayout(16, JAVA_BYTE).withName("saddr"),
              sequenceLayout(16, JAVA_BYTE).withName("daddr"),
              JAVA_INT.withName("pid"),
              JAVA_SHORT.withName("sport"),
              JAVA_SHORT.withName("dport"),
              JAVA_SHORT.withName("family"),
              sequenceLayout(3, JAVA_SHORT).withName("padding"))
          .withName("tcp_id");

  static final StructLayout TCP_STAT =
      structLayout(
              JAVA_LONG.withName("sent"),
              JAVA_LONG.withName("received"),
              JAVA_LONG.withName("mount_ns_id"),
              sequenceLayout(16, JAVA_BYTE).withName("comm"))
          .withName("tcp_stat");

  private static final long SADDR = offsetOf(TCP_ID, "saddr");
  private static final long DADDR = offsetOf(TCP_ID, "daddr");
  private static final long PID = offsetOf(TCP_ID, "pid");
  private static final long SPORT = offsetOf(TCP_ID, "sport");
  private static final long DPORT = offsetOf(TCP_ID, "dport");
  private static final long FAMILY = offsetOf(TCP_ID, "family");
  private static final long SENT = offsetOf(TCP_STAT, "sent");
  private static final long RECEIVED = offsetOf(TCP_STAT, "received");
  private static final long MOUNT_NS_ID = offsetOf(TCP_STAT, "mount_ns_id");
  private static final long COMM = offsetOf(TCP_STAT, "comm");
  private static final int COMM_BYTES = sizeOf(TCP_STAT, "comm");
  private static final int IPV4_BYTES = 4;
  private static final int IPV6_BYTES = sizeOf(TCP_ID, "saddr");

  private static final JsonName PID_FIELD = JsonName.of("pid");
  private static final JsonName COMM_FIELD = JsonName.of("comm");
  private static final JsonName FAMILY_FIELD = JsonName.of("family");
  private static final JsonName IP_VERSION_FIELD = JsonName.of("ipversion");
  private static final JsonName SADDR_FIELD = JsonName.of("saddr");
  private static final JsonName SPORT_FIELD = JsonName.of("sport");
  private static final JsonName DADDR_FIELD = JsonName.of("daddr");
  private static final JsonName DPORT_FIELD = JsonName.of("dport");
  private static final JsonName SENT_FIELD = JsonName.of("sent");
  private static final JsonName RECEIVED_FIELD = JsonName.of("received");

  /** The kernel keeps addresses in network order and ports in host order here. */
  static TcpStat decode(MemorySegment key, MemorySegment value) {
    int family = Short.toUnsignedInt(key.get(JAVA_SHORT, FAMILY));
    int addressBytes = family == AF_INET ? IPV4_BYTES : IPV6_BYTES;
    InetAddress source = IpAddresses.read(key, SADDR, addressBytes);
    InetAddress destination = IpAddresses.read(key, DADDR, addressBytes);
    return new TcpStat(
        value.get(JAVA_LONG, MOUNT_NS_ID),
        Integer.toUnsignedLong(key.get(JAVA_INT, PID)),
        CStrings.read(value, COMM, COMM_BYTES),
        family,
        source instanceof Inet4Address ? 4 : 6,
        IpAddresses.text(source),
        Short.toUnsignedInt(key.get(JAVA_SHORT, SPORT)),
        IpAddresses.text(destination),
        Short.toUnsignedInt(key.get(JAVA_SHORT, DPORT)),
        value.get(JAVA_LONG, SENT),
        value.get(JAVA_LONG, RECEIVED));
  }

  @Override
  public Comparable<?> column(String column) {
    return switch (column) {
      case "pid" -> pid;
      case "comm" -> comm;
      case "ipversion" -> (long) ipVersion;
      case "saddr" -> saddr;
      case "sport" -> (long) sport;
      case "daddr" -> daddr;
      case "dport" -> (long) dport;
      case "sent" -> sent;
      case "received" -> received;
      default -> null;
    };
  }

  @Override
  public void writeFields(JsonEventWriter out) {
    out.field(PID_FIELD, pid);
    out.field(COMM_FIELD, comm);
    out.field(FAMILY_FIELD, family);
    out.field(IP_VERSION_FIELD, ipVersion);
    out.field(SADDR_FIELD, saddr);
    out.field(SPORT_FIELD, sport);
    out.field(DADDR_FIELD, daddr);
    out.field(DPORT_FIELD, dport);
    out.field(SENT_FIELD, sent);
    out.field(RECEIVED_FIELD, received);
  }
}
