package io.gadgetflow.node.gadget.trace.signal;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import io.gadgetflow.api.gadget.Signals;
import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Decodes {@code struct signal_event} of src/main/bpf/trace/signal/program.bpf.c into sigsnoop's
 * event: pid, uid, comm (the sender), signal, tpid, ret.
 */
public final class SignalEventDecoder implements EventDecoder {
  /** {@code struct signal_event}, padded to the alignment of its 8-byte header. */
  static final StructLayout SIGNAL_EVENT =
      structLayout(
              EventHeader.MEMBER,
              JAVA_INT.withName("target_pid"),
              JAVA_INT.withName("signal"),
              JAVA_INT.withName("ret"),
              paddingLayout(4))
          .withName("signal_event");

  private static final long TARGET_PID_OFFSET = offsetOf(SIGNAL_EVENT, "target_pid");
  private static final long SIGNAL_OFFSET = offsetOf(SIGNAL_EVENT, "signal");
  private static final long RET_OFFSET = offsetOf(SIGNAL_EVENT, "ret");

  /** Up to the last member it reads; the padding after it need not be there. */
  private static final int RECORD_BYTES = (int) RET_OFFSET + sizeOf(SIGNAL_EVENT, "ret");

  private static final JsonName SIGNAL = JsonName.of("signal");
  private static final JsonName TARGET_PID = JsonName.of("tpid");
  private static final JsonName RET = JsonName.of("ret");

  private final long bootToEpochNanos;
  private long malformedRecords;

  public SignalEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, RECORD_BYTES)) {
      malformedRecords++;
      return false;
    }
    EventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    EventHeader.writePid(ring, offset, out);
    EventHeader.writeUid(ring, offset, out);
    EventHeader.writeComm(ring, offset, out);
    out.field(SIGNAL, Signals.name(ring.get(JAVA_INT_UNALIGNED, offset + SIGNAL_OFFSET)));
    out.unsignedField(TARGET_PID, ring.get(JAVA_INT_UNALIGNED, offset + TARGET_PID_OFFSET));
    out.field(RET, ring.get(JAVA_INT_UNALIGNED, offset + RET_OFFSET));
    return true;
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
