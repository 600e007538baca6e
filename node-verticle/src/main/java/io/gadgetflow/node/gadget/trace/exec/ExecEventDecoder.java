package io.gadgetflow.node.gadget.trace.exec;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
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
 * Decodes {@code struct exec_event} of src/main/bpf/trace/exec/program.bpf.c into execsnoop's
 * event: pid, ppid, uid, comm, ret, args.
 */
public final class ExecEventDecoder implements EventDecoder {
  /** {@code struct exec_event}: the arguments are NUL-terminated strings, the filename first. */
  static final StructLayout EXEC_EVENT =
      structLayout(
              EventHeader.MEMBER,
              JAVA_INT.withName("ppid"),
              JAVA_INT.withName("ret"),
              JAVA_INT.withName("args_count"),
              JAVA_INT.withName("args_size"),
              sequenceLayout(20 * 128, JAVA_BYTE).withName("args"))
          .withName("exec_event");

  private static final long PPID_OFFSET = offsetOf(EXEC_EVENT, "ppid");
  private static final long RET_OFFSET = offsetOf(EXEC_EVENT, "ret");
  private static final long ARGS_COUNT_OFFSET = offsetOf(EXEC_EVENT, "args_count");
  private static final long ARGS_SIZE_OFFSET = offsetOf(EXEC_EVENT, "args_size");
  private static final int ARGS_OFFSET = Math.toIntExact(offsetOf(EXEC_EVENT, "args"));
  private static final int MAX_ARGS_BYTES = sizeOf(EXEC_EVENT, "args");

  /** Twenty arguments, then the "..." that says there were more. */
  private static final int MAX_ARGS_COUNT = 21;

  private static final JsonName PPID = JsonName.of("ppid");
  private static final JsonName RET = JsonName.of("ret");
  private static final JsonName ARGS = JsonName.of("args");

  private final long bootToEpochNanos;
  private long malformedRecords;

  /** {@code bootToEpochNanos}: see {@link io.gadgetflow.node.bpf.BootClock#epochOffsetNanos()}. */
  public ExecEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, ARGS_OFFSET)) {
      malformedRecords++;
      return false;
    }
    int argsCount = ring.get(JAVA_INT_UNALIGNED, offset + ARGS_COUNT_OFFSET);
    int argsSize = ring.get(JAVA_INT_UNALIGNED, offset + ARGS_SIZE_OFFSET);
    if (argsCount < 0
        || argsCount > MAX_ARGS_COUNT
        || argsSize < 0
        || argsSize > MAX_ARGS_BYTES
        || argsSize > length - ARGS_OFFSET) {
      malformedRecords++;
      return false;
    }
    EventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    EventHeader.writePid(ring, offset, out);
    out.unsignedField(PPID, ring.get(JAVA_INT_UNALIGNED, offset + PPID_OFFSET));
    EventHeader.writeUid(ring, offset, out);
    EventHeader.writeComm(ring, offset, out);
    out.field(RET, ring.get(JAVA_INT_UNALIGNED, offset + RET_OFFSET));
    out.beginArrayField(ARGS);
    long argument = offset + ARGS_OFFSET;
    long argsEnd = argument + argsSize;
    for (int i = 0; i < argsCount && argument < argsEnd; i++) {
      argument += out.cStringElement(ring, argument, (int) (argsEnd - argument));
    }
    out.endArray();
    return true;
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
