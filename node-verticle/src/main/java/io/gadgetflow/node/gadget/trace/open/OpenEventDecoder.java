package io.gadgetflow.node.gadget.trace.open;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Decodes {@code struct open_event} of src/main/bpf/trace/open/program.bpf.c into opensnoop's
 * event: pid, uid, comm, fd, ret, err, path. The kernel sends only the return value; fd and err are
 * derived from it as Inspektor Gadget does. A record ends with its path's terminating NUL, not at
 * the end of the struct: the kernel copies only that much into the ring.
 */
public final class OpenEventDecoder implements EventDecoder {
  /** {@code struct open_event}, padded to the alignment of its 8-byte header. */
  static final StructLayout OPEN_EVENT =
      structLayout(
              EventHeader.MEMBER,
              JAVA_INT.withName("ret"),
              sequenceLayout(256, JAVA_BYTE).withName("path"),
              paddingLayout(4))
          .withName("open_event");

  private static final long RET_OFFSET = offsetOf(OPEN_EVENT, "ret");
  private static final int PATH_OFFSET = (int) offsetOf(OPEN_EVENT, "path");
  private static final int PATH_BYTES = sizeOf(OPEN_EVENT, "path");

  /** The shortest record: an empty path, its NUL alone. */
  private static final int MIN_RECORD_BYTES = (int) PATH_OFFSET + 1;

  private static final JsonName FD = JsonName.of("fd");
  private static final JsonName RET = JsonName.of("ret");
  private static final JsonName ERR = JsonName.of("err");
  private static final JsonName PATH = JsonName.of("path");

  private final long bootToEpochNanos;
  private long malformedRecords;

  /** {@code bootToEpochNanos}: see {@link io.gadgetflow.node.bpf.BootClock#epochOffsetNanos()}. */
  public OpenEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, MIN_RECORD_BYTES)) {
      malformedRecords++;
      return false;
    }
    int ret = ring.get(JAVA_INT_UNALIGNED, offset + RET_OFFSET);
    EventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    EventHeader.writePid(ring, offset, out);
    EventHeader.writeUid(ring, offset, out);
    EventHeader.writeComm(ring, offset, out);
    out.field(FD, ret >= 0 ? ret : -1);
    out.field(RET, ret);
    out.field(ERR, ret >= 0 ? 0 : -(long) ret);
    out.cStringField(PATH, ring, offset + PATH_OFFSET, Math.min(PATH_BYTES, length - PATH_OFFSET));
    return true;
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
