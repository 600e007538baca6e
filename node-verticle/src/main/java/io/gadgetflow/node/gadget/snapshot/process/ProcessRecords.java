package io.gadgetflow.node.gadget.snapshot.process;

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

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decodes the {@code struct process_record}s the task iterator of
 * src/main/bpf/snapshot/process/program.bpf.c writes, back to back.
 */
public final class ProcessRecords {
  /** {@code struct process_record}, padded to the alignment of its mount namespace id. */
  static final StructLayout PROCESS_RECORD =
      structLayout(
              JAVA_LONG.withName("mount_ns_id"),
              JAVA_INT.withName("pid"),
              JAVA_INT.withName("tid"),
              JAVA_INT.withName("ppid"),
              JAVA_INT.withName("uid"),
              JAVA_INT.withName("gid"),
              sequenceLayout(16, JAVA_BYTE).withName("comm"),
              paddingLayout(4))
          .withName("process_record");

  static final int RECORD_BYTES = Math.toIntExact(PROCESS_RECORD.byteSize());
  private static final long MOUNT_NS_ID_OFFSET = offsetOf(PROCESS_RECORD, "mount_ns_id");
  private static final long PID_OFFSET = offsetOf(PROCESS_RECORD, "pid");
  private static final long TID_OFFSET = offsetOf(PROCESS_RECORD, "tid");
  private static final long PPID_OFFSET = offsetOf(PROCESS_RECORD, "ppid");
  private static final long UID_OFFSET = offsetOf(PROCESS_RECORD, "uid");
  private static final long GID_OFFSET = offsetOf(PROCESS_RECORD, "gid");
  private static final long COMM_OFFSET = offsetOf(PROCESS_RECORD, "comm");
  private static final int COMM_BYTES = sizeOf(PROCESS_RECORD, "comm");

  private ProcessRecords() {}

  /** Sorted by pid, then thread id; a trailing partial record would be a fault and is an error. */
  public static List<ProcessEntry> decode(byte[] records) {
    if (records.length % RECORD_BYTES != 0) {
      throw new IllegalStateException(
          "the process iterator wrote " + records.length + " bytes, not whole records");
    }
    MemorySegment all = MemorySegment.ofArray(records);
    List<ProcessEntry> entries = new ArrayList<>(records.length / RECORD_BYTES);
    for (long offset = 0; offset < records.length; offset += RECORD_BYTES) {
      entries.add(
          new ProcessEntry(
              comm(all, offset + COMM_OFFSET),
              unsigned(all, offset + PID_OFFSET),
              unsigned(all, offset + TID_OFFSET),
              unsigned(all, offset + PPID_OFFSET),
              unsigned(all, offset + UID_OFFSET),
              unsigned(all, offset + GID_OFFSET),
              all.get(JAVA_LONG_UNALIGNED, offset + MOUNT_NS_ID_OFFSET)));
    }
    entries.sort(Comparator.comparingLong(ProcessEntry::pid).thenComparingLong(ProcessEntry::tid));
    return entries;
  }

  private static long unsigned(MemorySegment records, long offset) {
    return Integer.toUnsignedLong(records.get(JAVA_INT_UNALIGNED, offset));
  }

  private static String comm(MemorySegment records, long offset) {
    int length = 0;
    while (length < COMM_BYTES && records.get(JAVA_BYTE, offset + length) != 0) {
      length++;
    }
    return new String(records.asSlice(offset, length).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
  }
}
