package io.gadgetflow.node.gadget.trace.tcp;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.IpAddresses;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.net.InetAddress;

/**
 * Decodes {@code struct tcp_event} of src/main/bpf/trace/tcp/program.bpf.c into tcptracer's event:
 * operation, pid, uid, comm, ipversion, saddr, daddr, sport, dport.
 */
public final class TcpEventDecoder implements EventDecoder {
  /** {@code struct tcp_event}: an IPv4 address fills the first 4 bytes of its array. */
  static final StructLayout TCP_EVENT =
      structLayout(
              EventHeader.MEMBER,
              JAVA_BYTE.withName("operation"),
              JAVA_BYTE.withName("ip_version"),
              JAVA_SHORT.withName("sport"),
              JAVA_SHORT.withName("dport"),
              paddingLayout(2),
              sequenceLayout(16, JAVA_BYTE).withName("saddr"),
              sequenceLayout(16, JAVA_BYTE).withName("daddr"))
          .withName("tcp_event");

  private static final long OPERATION_OFFSET = offsetOf(TCP_EVENT, "operation");
  private static final long IP_VERSION_OFFSET = offsetOf(TCP_EVENT, "ip_version");
  private static final long SPORT_OFFSET = offsetOf(TCP_EVENT, "sport");
  private static final long DPORT_OFFSET = offsetOf(TCP_EVENT, "dport");
  private static final long SADDR_OFFSET = offsetOf(TCP_EVENT, "saddr");
  private static final long DADDR_OFFSET = offsetOf(TCP_EVENT, "daddr");
  private static final int IPV6_ADDRESS_BYTES = sizeOf(TCP_EVENT, "saddr");
  private static final int RECORD_BYTES = Math.toIntExact(TCP_EVENT.byteSize());

  /** Indexed by {@code TCP_OPERATION_*} of the program. */
  private static final String[] OPERATIONS = {"connect", "accept", "close"};

  private static final JsonName OPERATION = JsonName.of("operation");
  private static final JsonName IP_VERSION = JsonName.of("ipversion");
  private static final JsonName SADDR = JsonName.of("saddr");
  private static final JsonName DADDR = JsonName.of("daddr");
  private static final JsonName SPORT = JsonName.of("sport");
  private static final JsonName DPORT = JsonName.of("dport");

  private final long bootToEpochNanos;
  private long malformedRecords;

  public TcpEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, RECORD_BYTES)) {
      malformedRecords++;
      return false;
    }
    int operation = ring.get(JAVA_BYTE, offset + OPERATION_OFFSET);
    int ipVersion = ring.get(JAVA_BYTE, offset + IP_VERSION_OFFSET);
    if (operation < 0 || operation >= OPERATIONS.length || (ipVersion != 4 && ipVersion != 6)) {
      malformedRecords++;
      return false;
    }
    int addressBytes = ipVersion == 4 ? 4 : IPV6_ADDRESS_BYTES;
    InetAddress source = IpAddresses.read(ring, offset + SADDR_OFFSET, addressBytes);
    InetAddress destination = IpAddresses.read(ring, offset + DADDR_OFFSET, addressBytes);
    EventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    out.field(OPERATION, OPERATIONS[operation]);
    EventHeader.writePid(ring, offset, out);
    EventHeader.writeUid(ring, offset, out);
    EventHeader.writeComm(ring, offset, out);
    // An IPv6 socket talking IPv4 (as Java's do) has IPv4-mapped addresses: say what is on the
    // wire.
    out.field(IP_VERSION, IpAddresses.version(source));
    out.field(SADDR, IpAddresses.text(source));
    out.field(DADDR, IpAddresses.text(destination));
    out.field(SPORT, Short.toUnsignedInt(ring.get(JAVA_SHORT_UNALIGNED, offset + SPORT_OFFSET)));
    out.field(DPORT, Short.toUnsignedInt(ring.get(JAVA_SHORT_UNALIGNED, offset + DPORT_OFFSET)));
    return true;
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
