package io.gadgetflow.node.gadget;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.gadgetflow.api.event.CommonEventFields;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * The header every GadgetFlow event record starts with, {@code struct gadget_event_header} in
 * src/main/bpf/include/gadgetflow.h: boot timestamp, mount namespace id, pid, uid, comm.
 */
public final class EventHeader {
  /**
   * {@code struct gadget_event_header}, as the member {@code header} every event struct begins
   * with.
   */
  public static final StructLayout MEMBER =
      structLayout(
              JAVA_LONG.withName("boot_timestamp_ns"),
              JAVA_LONG.withName("mount_ns_id"),
              JAVA_INT.withName("pid"),
              JAVA_INT.withName("uid"),
              sequenceLayout(16, JAVA_BYTE).withName("comm"))
          .withName("header");

  public static final int BYTES = Math.toIntExact(MEMBER.byteSize());
  public static final int COMM_BYTES = sizeOf(MEMBER, "comm");

  private static final JsonName PID = JsonName.of("pid");
  private static final JsonName UID = JsonName.of("uid");
  private static final JsonName COMM = JsonName.of("comm");

  private static final long BOOT_TIMESTAMP_OFFSET = offsetOf(MEMBER, "boot_timestamp_ns");
  private static final long MOUNT_NS_ID_OFFSET = offsetOf(MEMBER, "mount_ns_id");
  private static final long PID_OFFSET = offsetOf(MEMBER, "pid");
  private static final long UID_OFFSET = offsetOf(MEMBER, "uid");
  private static final long COMM_OFFSET = offsetOf(MEMBER, "comm");

  private static final JsonName TIMESTAMP = JsonName.of(CommonEventFields.TIMESTAMP);
  private static final JsonName TYPE = JsonName.of(CommonEventFields.TYPE);
  private static final JsonName MOUNT_NS_ID = JsonName.of(CommonEventFields.MOUNT_NS_ID);
  private static final String NORMAL = "normal";

  private EventHeader() {}

  /** For the enricher, which finds the container of an event by its mount namespace. */
  public static long mountNsId(MemorySegment ring, long recordOffset) {
    return ring.get(JAVA_LONG_UNALIGNED, recordOffset + MOUNT_NS_ID_OFFSET);
  }

  public static int pid(MemorySegment ring, long recordOffset) {
    return ring.get(JAVA_INT_UNALIGNED, recordOffset + PID_OFFSET);
  }

  public static int uid(MemorySegment ring, long recordOffset) {
    return ring.get(JAVA_INT_UNALIGNED, recordOffset + UID_OFFSET);
  }

  public static long bootTimestampNanos(MemorySegment ring, long recordOffset) {
    return ring.get(JAVA_LONG_UNALIGNED, recordOffset + BOOT_TIMESTAMP_OFFSET);
  }

  /**
   * Whether a record said to be at {@code offset} lies inside {@code ring} and has at least {@code
   * minimumLength} bytes: what a decoder checks before it reads anything.
   */
  public static boolean fits(MemorySegment ring, long offset, int length, int minimumLength) {
    return length >= minimumLength && offset >= 0 && offset <= ring.byteSize() - length;
  }

  /** Begins the object with the fields every event has: timestamp, type, mountnsid. */
  public static void beginEvent(
      MemorySegment ring, long offset, long bootToEpochNanos, JsonEventWriter out) {
    out.beginObject();
    out.epochNanosField(TIMESTAMP, bootTimestampNanos(ring, offset) + bootToEpochNanos);
    out.field(TYPE, NORMAL);
    out.field(MOUNT_NS_ID, mountNsId(ring, offset));
  }

  public static void writePid(MemorySegment ring, long offset, JsonEventWriter out) {
    out.unsignedField(PID, pid(ring, offset));
  }

  public static void writeUid(MemorySegment ring, long offset, JsonEventWriter out) {
    out.unsignedField(UID, uid(ring, offset));
  }

  public static void writeComm(MemorySegment ring, long offset, JsonEventWriter out) {
    writeComm(ring, offset, out, COMM);
  }

  /** The comm under another name, for gadgets whose event names two processes (oomkill). */
  public static void writeComm(
      MemorySegment ring, long offset, JsonEventWriter out, JsonName name) {
    out.cStringField(name, ring, offset + COMM_OFFSET, COMM_BYTES);
  }
}
