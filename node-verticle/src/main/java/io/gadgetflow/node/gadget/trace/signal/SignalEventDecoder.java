package io.gadgetflow.node.gadget.trace.signal;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import io.gadgetflow.api.gadget.Signals;
import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import java.lang.foreign.MemorySegment;

/**
 * Decodes {@code struct signal_event} of src/main/bpf/trace/signal/program.bpf.c into sigsnoop's
 * event: pid, uid, comm (the sender), signal, tpid, ret.
 */
public final class SignalEventDecoder implements EventDecoder {
  private static final long TARGET_PID_OFFSET = 40;
  private static final long SIGNAL_OFFSET = 44;
  private static final long RET_OFFSET = 48;
  private static final int RECORD_BYTES = 52;

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
