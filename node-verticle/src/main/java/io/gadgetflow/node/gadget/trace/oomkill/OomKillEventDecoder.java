package io.gadgetflow.node.gadget.trace.oomkill;

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

/**
 * Decodes {@code struct oomkill_event} of src/main/bpf/trace/oomkill/program.bpf.c into oomkill's
 * event: kpid, kcomm, kuid (the killed process), pages, tpid, tcomm (the process whose allocation
 * triggered the kill, which the header describes).
 */
public final class OomKillEventDecoder implements EventDecoder {
  static final StructLayout OOMKILL_EVENT =
      structLayout(
              EventHeader.MEMBER,
              JAVA_LONG.withName("pages"),
              JAVA_INT.withName("killed_pid"),
              JAVA_INT.withName("killed_uid"),
              sequenceLayout(EventHeader.COMM_BYTES, JAVA_BYTE).withName("killed_comm"))
          .withName("oomkill_event");

  private static final long PAGES_OFFSET = offsetOf(OOMKILL_EVENT, "pages");
  private static final long KILLED_PID_OFFSET = offsetOf(OOMKILL_EVENT, "killed_pid");
  private static final long KILLED_UID_OFFSET = offsetOf(OOMKILL_EVENT, "killed_uid");
  private static final long KILLED_COMM_OFFSET = offsetOf(OOMKILL_EVENT, "killed_comm");
  private static final int KILLED_COMM_BYTES = sizeOf(OOMKILL_EVENT, "killed_comm");
  private static final int RECORD_BYTES = Math.toIntExact(OOMKILL_EVENT.byteSize());

  private static final JsonName KILLED_PID = JsonName.of("kpid");
  private static final JsonName KILLED_COMM = JsonName.of("kcomm");
  private static final JsonName KILLED_UID = JsonName.of("kuid");
  private static final JsonName PAGES = JsonName.of("pages");
  private static final JsonName TRIGGER_PID = JsonName.of("tpid");
  private static final JsonName TRIGGER_COMM = JsonName.of("tcomm");

  private final long bootToEpochNanos;
  private long malformedRecords;

  public OomKillEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, RECORD_BYTES)) {
      malformedRecords++;
      return false;
    }
    EventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    out.unsignedField(KILLED_PID, ring.get(JAVA_INT_UNALIGNED, offset + KILLED_PID_OFFSET));
    out.cStringField(KILLED_COMM, ring, offset + KILLED_COMM_OFFSET, KILLED_COMM_BYTES);
    out.unsignedField(KILLED_UID, ring.get(JAVA_INT_UNALIGNED, offset + KILLED_UID_OFFSET));
    out.field(PAGES, ring.get(JAVA_LONG_UNALIGNED, offset + PAGES_OFFSET));
    out.unsignedField(TRIGGER_PID, EventHeader.pid(ring, offset));
    EventHeader.writeComm(ring, offset, out, TRIGGER_COMM);
    return true;
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
