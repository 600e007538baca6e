package io.gadgetflow.node.gadget.trace.tcpretrans;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.structLayout;

import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.TcpConnection;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Decodes {@code struct tcpretrans_event} of src/main/bpf/trace/tcpretrans/program.bpf.c into
 * Inspektor Gadget's tcpretrans event: the socket owner's {@code pid} and {@code comm} (0 and empty
 * when unknown), then the connection ({@link TcpConnection}).
 */
public final class TcpRetransEventDecoder implements EventDecoder {
  static final StructLayout TCPRETRANS_EVENT =
      structLayout(EventHeader.MEMBER, TcpConnection.MEMBER, paddingLayout(4))
          .withName("tcpretrans_event");

  private static final long CONNECTION_OFFSET = offsetOf(TCPRETRANS_EVENT, "connection");
  private static final int RECORD_BYTES = Math.toIntExact(TCPRETRANS_EVENT.byteSize());

  private final long bootToEpochNanos;
  private long malformedRecords;

  public TcpRetransEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, RECORD_BYTES)
        || !TcpConnection.beginEvent(ring, offset, CONNECTION_OFFSET, bootToEpochNanos, out)) {
      malformedRecords++;
      return false;
    }
    return true;
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
