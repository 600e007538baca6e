package io.gadgetflow.node.gadget.trace.tcpdrop;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.gadget.TcpConnection;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Decodes {@code struct tcpdrop_event} of src/main/bpf/trace/tcpdrop/program.bpf.c into Inspektor
 * Gadget's tcpdrop event: the socket owner's {@code pid} and {@code comm} (0 and empty when
 * unknown), the connection ({@link TcpConnection}) and the drop {@code reason}, named by the
 * kernel's {@code enum skb_drop_reason} ({@link DropReasons}).
 */
public final class TcpDropEventDecoder implements EventDecoder {
  static final StructLayout TCPDROP_EVENT =
      structLayout(EventHeader.MEMBER, TcpConnection.MEMBER, JAVA_INT.withName("reason"))
          .withName("tcpdrop_event");

  private static final long CONNECTION_OFFSET = offsetOf(TCPDROP_EVENT, "connection");
  private static final long REASON_OFFSET = offsetOf(TCPDROP_EVENT, "reason");
  private static final int RECORD_BYTES = Math.toIntExact(TCPDROP_EVENT.byteSize());

  private static final JsonName REASON = JsonName.of("reason");

  private final long bootToEpochNanos;
  private final DropReasons reasons;
  private long malformedRecords;

  /** Names the reasons as the running kernel does. */
  public TcpDropEventDecoder(long bootToEpochNanos) {
    this(bootToEpochNanos, DropReasons.ofRunningKernel());
  }

  TcpDropEventDecoder(long bootToEpochNanos, DropReasons reasons) {
    this.bootToEpochNanos = bootToEpochNanos;
    this.reasons = reasons;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, RECORD_BYTES)
        || !TcpConnection.beginEvent(ring, offset, CONNECTION_OFFSET, bootToEpochNanos, out)) {
      malformedRecords++;
      return false;
    }
    out.field(REASON, reasons.name(ring.get(JAVA_INT_UNALIGNED, offset + REASON_OFFSET)));
    return true;
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
