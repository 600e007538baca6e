package io.gadgetflow.node.gadget.trace.mount;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes {@code struct mount_event} of src/main/bpf/trace/mount/program.bpf.c into mountsnoop's
 * event: comm, pid, tid, uid, operation, ret, latency, fs, source, target, data, flags, flagsRaw.
 */
public final class MountEventDecoder implements EventDecoder {
  /** The room of the strings: source, target, fs and data, in this order (see the program). */
  private static final int STRINGS_BYTES = 4096 + 4096 + 64 + 512;

  static final StructLayout MOUNT_EVENT =
      structLayout(
              EventHeader.MEMBER,
              JAVA_LONG.withName("latency_ns"),
              JAVA_LONG.withName("flags"),
              JAVA_LONG.withName("attr_set"),
              JAVA_LONG.withName("attr_clear"),
              JAVA_LONG.withName("propagation"),
              JAVA_INT.withName("ret"),
              JAVA_INT.withName("tid"),
              JAVA_BYTE.withName("operation"),
              sequenceLayout(3, JAVA_BYTE).withName("padding"),
              JAVA_INT.withName("strings_size"),
              sequenceLayout(STRINGS_BYTES, JAVA_BYTE).withName("strings"))
          .withName("mount_event");

  private static final long LATENCY_OFFSET = offsetOf(MOUNT_EVENT, "latency_ns");
  private static final long FLAGS_OFFSET = offsetOf(MOUNT_EVENT, "flags");
  private static final long ATTR_SET_OFFSET = offsetOf(MOUNT_EVENT, "attr_set");
  private static final long ATTR_CLEAR_OFFSET = offsetOf(MOUNT_EVENT, "attr_clear");
  private static final long PROPAGATION_OFFSET = offsetOf(MOUNT_EVENT, "propagation");
  private static final long RET_OFFSET = offsetOf(MOUNT_EVENT, "ret");
  private static final long TID_OFFSET = offsetOf(MOUNT_EVENT, "tid");
  private static final long OPERATION_OFFSET = offsetOf(MOUNT_EVENT, "operation");
  private static final long STRINGS_SIZE_OFFSET = offsetOf(MOUNT_EVENT, "strings_size");
  private static final int STRINGS_OFFSET = Math.toIntExact(offsetOf(MOUNT_EVENT, "strings"));
  private static final int MAX_STRINGS_BYTES = sizeOf(MOUNT_EVENT, "strings");

  private static final JsonName TID = JsonName.of("tid");
  private static final JsonName OPERATION = JsonName.of("operation");
  private static final JsonName RET = JsonName.of("ret");
  private static final JsonName LATENCY = JsonName.of("latency");
  private static final JsonName SOURCE = JsonName.of("source");
  private static final JsonName TARGET = JsonName.of("target");
  private static final JsonName FS = JsonName.of("fs");
  private static final JsonName DATA = JsonName.of("data");
  private static final JsonName FLAGS = JsonName.of("flags");
  private static final JsonName FLAGS_RAW = JsonName.of("flagsRaw");

  private final long bootToEpochNanos;
  private long malformedRecords;

  public MountEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, STRINGS_OFFSET)) {
      malformedRecords++;
      return false;
    }
    MountOperation operation = MountOperation.of(ring.get(JAVA_BYTE, offset + OPERATION_OFFSET));
    int stringsSize = ring.get(JAVA_INT_UNALIGNED, offset + STRINGS_SIZE_OFFSET);
    if (operation == null
        || stringsSize < 0
        || stringsSize > MAX_STRINGS_BYTES
        || stringsSize > length - STRINGS_OFFSET) {
      malformedRecords++;
      return false;
    }
    long flags = ring.get(JAVA_LONG_UNALIGNED, offset + FLAGS_OFFSET);
    EventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    EventHeader.writeComm(ring, offset, out);
    EventHeader.writePid(ring, offset, out);
    out.unsignedField(TID, ring.get(JAVA_INT_UNALIGNED, offset + TID_OFFSET));
    EventHeader.writeUid(ring, offset, out);
    out.field(OPERATION, operation.systemCall);
    out.field(RET, ring.get(JAVA_INT_UNALIGNED, offset + RET_OFFSET));
    out.field(LATENCY, ring.get(JAVA_LONG_UNALIGNED, offset + LATENCY_OFFSET));
    long string = offset + STRINGS_OFFSET;
    long stringsEnd = string + stringsSize;
    string += out.cStringField(SOURCE, ring, string, (int) (stringsEnd - string));
    string += out.cStringField(TARGET, ring, string, (int) (stringsEnd - string));
    string += out.cStringField(FS, ring, string, (int) (stringsEnd - string));
    String attributes = attributes(ring, offset, operation);
    if (attributes.isEmpty()) {
      out.cStringField(DATA, ring, string, (int) (stringsEnd - string));
    } else {
      out.field(DATA, attributes);
    }
    out.beginArrayField(FLAGS);
    for (String name : MountFlags.names(operation, flags)) {
      out.stringElement(name);
    }
    out.endArray();
    out.field(FLAGS_RAW, flags);
    return true;
  }

  /**
   * The mount attributes of fsmount, mount_setattr and open_tree_attr, which take no options
   * string, as their data: {@code attr_flags=...} or {@code
   * attr_set=...,attr_clr=...,propagation=...}.
   */
  private static String attributes(MemorySegment ring, long offset, MountOperation operation) {
    long set = ring.get(JAVA_LONG_UNALIGNED, offset + ATTR_SET_OFFSET);
    return switch (operation) {
      case FSMOUNT -> set == 0 ? "" : "attr_flags=" + MountFlags.mountAttributes(set);
      case MOUNT_SETATTR, OPEN_TREE_ATTR -> {
        long clear = ring.get(JAVA_LONG_UNALIGNED, offset + ATTR_CLEAR_OFFSET);
        long propagation = ring.get(JAVA_LONG_UNALIGNED, offset + PROPAGATION_OFFSET);
        List<String> parts = new ArrayList<>(3);
        if (set != 0) {
          parts.add("attr_set=" + MountFlags.mountAttributes(set));
        }
        if (clear != 0) {
          parts.add("attr_clr=" + MountFlags.mountAttributes(clear));
        }
        if (propagation != 0) {
          parts.add("propagation=" + MountFlags.propagation(propagation));
        }
        yield String.join(",", parts);
      }
      default -> "";
    };
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
