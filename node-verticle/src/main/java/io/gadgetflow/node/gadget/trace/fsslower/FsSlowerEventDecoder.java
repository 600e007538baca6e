package io.gadgetflow.node.gadget.trace.fsslower;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Decodes {@code struct fsslower_event} of src/main/bpf/trace/fsslower/program.bpf.c into
 * fsslower's event: pid, comm, op, bytes, offset, latency (µs), file.
 */
public final class FsSlowerEventDecoder implements EventDecoder {
  static final StructLayout FSSLOWER_EVENT =
      structLayout(
              EventHeader.MEMBER,
              JAVA_LONG.withName("latency_us"),
              JAVA_LONG.withName("bytes"),
              JAVA_LONG.withName("offset"),
              JAVA_BYTE.withName("operation"),
              sequenceLayout(7, JAVA_BYTE).withName("padding"),
              sequenceLayout(256, JAVA_BYTE).withName("file"))
          .withName("fsslower_event");

  private static final long LATENCY_OFFSET = offsetOf(FSSLOWER_EVENT, "latency_us");
  private static final long BYTES_OFFSET = offsetOf(FSSLOWER_EVENT, "bytes");
  private static final long OFFSET_OFFSET = offsetOf(FSSLOWER_EVENT, "offset");
  private static final long OPERATION_OFFSET = offsetOf(FSSLOWER_EVENT, "operation");
  private static final long FILE_OFFSET = offsetOf(FSSLOWER_EVENT, "file");
  private static final int FILE_BYTES = sizeOf(FSSLOWER_EVENT, "file");
  private static final int RECORD_BYTES = Math.toIntExact(FSSLOWER_EVENT.byteSize());

  /** Indexed by {@code FSSLOWER_OP_*}: read, write, open, fsync, as fsslower prints them. */
  private static final String[] OPERATIONS = {"R", "W", "O", "F"};

  private static final JsonName OP = JsonName.of("op");
  private static final JsonName BYTES = JsonName.of("bytes");
  private static final JsonName OFFSET = JsonName.of("offset");
  private static final JsonName LATENCY = JsonName.of("latency");
  private static final JsonName FILE = JsonName.of("file");

  private final long bootToEpochNanos;
  private long malformedRecords;

  public FsSlowerEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, RECORD_BYTES)) {
      malformedRecords++;
      return false;
    }
    int operation = ring.get(JAVA_BYTE, offset + OPERATION_OFFSET);
    if (operation < 0 || operation >= OPERATIONS.length) {
      malformedRecords++;
      return false;
    }
    EventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    EventHeader.writePid(ring, offset, out);
    EventHeader.writeComm(ring, offset, out);
    out.field(OP, OPERATIONS[operation]);
    out.field(BYTES, ring.get(JAVA_LONG_UNALIGNED, offset + BYTES_OFFSET));
    out.field(OFFSET, ring.get(JAVA_LONG_UNALIGNED, offset + OFFSET_OFFSET));
    out.field(LATENCY, ring.get(JAVA_LONG_UNALIGNED, offset + LATENCY_OFFSET));
    out.cStringField(FILE, ring, offset + FILE_OFFSET, FILE_BYTES);
    return true;
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
