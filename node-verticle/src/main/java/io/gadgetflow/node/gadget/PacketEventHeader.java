package io.gadgetflow.node.gadget;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * The header every packet event record starts with, {@code struct gadget_packet_event_header} in
 * src/main/bpf/include/gadgetflow_packet.h: the common {@link EventHeader} (the sending process's
 * fields, zero when the sender is not known), the packet's network namespace, the sender's thread
 * and group ids.
 */
public final class PacketEventHeader {
  /** {@code struct gadget_packet_event_header}, the member {@code packet} of a packet event. */
  public static final StructLayout MEMBER =
      structLayout(
              EventHeader.MEMBER,
              JAVA_INT.withName("netns"),
              JAVA_INT.withName("tid"),
              JAVA_INT.withName("gid"),
              paddingLayout(4))
          .withName("packet");

  public static final int BYTES = Math.toIntExact(MEMBER.byteSize());

  private static final long NET_NS_ID_OFFSET = offsetOf(MEMBER, "netns");
  private static final long TID_OFFSET = offsetOf(MEMBER, "tid");
  private static final long GID_OFFSET = offsetOf(MEMBER, "gid");

  private static final JsonName NET_NS_ID = JsonName.of("netnsid");
  private static final JsonName TID = JsonName.of("tid");
  private static final JsonName GID = JsonName.of("gid");

  private PacketEventHeader() {}

  /** For the enricher and the traces' selection, which go by network namespace. */
  public static long netNsId(MemorySegment ring, long recordOffset) {
    return Integer.toUnsignedLong(ring.get(JAVA_INT_UNALIGNED, recordOffset + NET_NS_ID_OFFSET));
  }

  /**
   * Begins the object with the fields every event has, then Inspektor Gadget's fields of a packet
   * event: netnsid, pid, tid, comm, uid, gid.
   */
  public static void beginEvent(
      MemorySegment ring, long offset, long bootToEpochNanos, JsonEventWriter out) {
    EventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    out.field(NET_NS_ID, netNsId(ring, offset));
    EventHeader.writePid(ring, offset, out);
    out.unsignedField(TID, ring.get(JAVA_INT_UNALIGNED, offset + TID_OFFSET));
    EventHeader.writeComm(ring, offset, out);
    EventHeader.writeUid(ring, offset, out);
    out.unsignedField(GID, ring.get(JAVA_INT_UNALIGNED, offset + GID_OFFSET));
  }
}
