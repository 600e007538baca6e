package io.gadgetflow.node.gadget.trace.sni;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.gadget.PacketEventHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Decodes {@code struct sni_event} of src/main/bpf/trace/sni/program.bpf.c into Inspektor Gadget's
 * snisnoop event: the packet header's netnsid, pid, tid, comm, uid, gid, and the server name.
 */
public final class SniEventDecoder implements EventDecoder {
  /** {@code struct sni_event}. */
  static final StructLayout SNI_EVENT =
      structLayout(PacketEventHeader.MEMBER, sequenceLayout(256, JAVA_BYTE).withName("name"))
          .withName("sni_event");

  private static final long NAME_OFFSET = offsetOf(SNI_EVENT, "name");
  private static final int NAME_BYTES = sizeOf(SNI_EVENT, "name");
  static final int RECORD_BYTES = Math.toIntExact(SNI_EVENT.byteSize());

  private static final JsonName NAME = JsonName.of("name");

  private final long bootToEpochNanos;
  private long malformedRecords;

  public SniEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, RECORD_BYTES)) {
      malformedRecords++;
      return false;
    }
    PacketEventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    out.cStringField(NAME, ring, offset + NAME_OFFSET, NAME_BYTES);
    return true;
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
