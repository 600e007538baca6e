package io.gadgetflow.node.gadget.snapshot.socket;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.gadgetflow.node.gadget.IpAddresses;
import io.gadgetflow.node.gadget.TcpStates;
import io.gadgetflow.node.gadget.WatchedNetwork;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the {@code struct socket_record}s the iterators of
 * src/main/bpf/snapshot/socket/program.bpf.c write, back to back.
 */
public final class SocketRecords {
  /** {@code struct socket_record}: an IPv4 address fills the first 4 bytes of its array. */
  static final StructLayout SOCKET_RECORD =
      structLayout(
              JAVA_INT.withName("netns"),
              JAVA_BYTE.withName("protocol"),
              JAVA_BYTE.withName("ip_version"),
              JAVA_BYTE.withName("state"),
              paddingLayout(1),
              JAVA_SHORT.withName("local_port"),
              JAVA_SHORT.withName("remote_port"),
              paddingLayout(4),
              JAVA_LONG.withName("inode"),
              sequenceLayout(16, JAVA_BYTE).withName("local"),
              sequenceLayout(16, JAVA_BYTE).withName("remote"))
          .withName("socket_record");

  static final int RECORD_BYTES = Math.toIntExact(SOCKET_RECORD.byteSize());
  private static final long NET_NS_OFFSET = offsetOf(SOCKET_RECORD, "netns");
  private static final long PROTOCOL_OFFSET = offsetOf(SOCKET_RECORD, "protocol");
  private static final long IP_VERSION_OFFSET = offsetOf(SOCKET_RECORD, "ip_version");
  private static final long STATE_OFFSET = offsetOf(SOCKET_RECORD, "state");
  private static final long LOCAL_PORT_OFFSET = offsetOf(SOCKET_RECORD, "local_port");
  private static final long REMOTE_PORT_OFFSET = offsetOf(SOCKET_RECORD, "remote_port");
  private static final long INODE_OFFSET = offsetOf(SOCKET_RECORD, "inode");
  private static final long LOCAL_OFFSET = offsetOf(SOCKET_RECORD, "local");
  private static final long REMOTE_OFFSET = offsetOf(SOCKET_RECORD, "remote");
  private static final int IPV6_ADDRESS_BYTES = sizeOf(SOCKET_RECORD, "local");
  private static final int IPPROTO_TCP = 6;

  private static final int TCP_ESTABLISHED = 1;
  private static final int TCP_CLOSE = 7;

  private SocketRecords() {}

  /** The sockets of one network namespace; a trailing partial record would be a fault. */
  public static List<SocketEntry> decode(byte[] records, WatchedNetwork network) {
    if (records.length % RECORD_BYTES != 0) {
      throw new IllegalStateException(
          "the socket iterator wrote " + records.length + " bytes, not whole records");
    }
    MemorySegment all = MemorySegment.ofArray(records);
    List<SocketEntry> entries = new ArrayList<>(records.length / RECORD_BYTES);
    for (long offset = 0; offset < records.length; offset += RECORD_BYTES) {
      int protocol = all.get(JAVA_BYTE, offset + PROTOCOL_OFFSET);
      int addressBytes =
          all.get(JAVA_BYTE, offset + IP_VERSION_OFFSET) == 4 ? 4 : IPV6_ADDRESS_BYTES;
      int state = Byte.toUnsignedInt(all.get(JAVA_BYTE, offset + STATE_OFFSET));
      entries.add(
          new SocketEntry(
              network.podNamespace(),
              network.pod(),
              Integer.toUnsignedLong(all.get(JAVA_INT_UNALIGNED, offset + NET_NS_OFFSET)),
              protocol == IPPROTO_TCP ? "TCP" : "UDP",
              IpAddresses.readText(all, offset + LOCAL_OFFSET, addressBytes),
              port(all, offset + LOCAL_PORT_OFFSET),
              IpAddresses.readText(all, offset + REMOTE_OFFSET, addressBytes),
              port(all, offset + REMOTE_PORT_OFFSET),
              protocol == IPPROTO_TCP ? tcpStatus(state) : udpStatus(state),
              all.get(JAVA_LONG_UNALIGNED, offset + INODE_OFFSET)));
    }
    return entries;
  }

  static String tcpStatus(int state) {
    String name = TcpStates.name(state);
    return name == null ? "UNKNOWN" : name;
  }

  /** As Inspektor Gadget says it: a connected UDP socket is active. */
  static String udpStatus(int state) {
    return switch (state) {
      case TCP_ESTABLISHED -> "ACTIVE";
      case TCP_CLOSE -> "INACTIVE";
      default -> tcpStatus(state);
    };
  }

  private static int port(MemorySegment records, long offset) {
    return Short.toUnsignedInt(records.get(JAVA_SHORT_UNALIGNED, offset));
  }
}
