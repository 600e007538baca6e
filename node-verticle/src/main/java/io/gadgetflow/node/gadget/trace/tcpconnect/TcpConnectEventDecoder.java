package io.gadgetflow.node.gadget.trace.tcpconnect;

import static io.gadgetflow.node.gadget.CStructs.offsetOf;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.gadgetflow.node.gadget.EventDecoder;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.gadget.TcpConnection;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Decodes {@code struct tcpconnect_event} of src/main/bpf/trace/tcpconnect/program.bpf.c into
 * Inspektor Gadget's tcpconnect event: {@code pid}, {@code uid}, {@code comm} of the connecting
 * process, the connection's {@code netnsid}, {@code ipversion}, {@code saddr}, {@code sport},
 * {@code daddr}, {@code dport}, then {@code latency} (nanoseconds, 0 unless measured) and {@code
 * error} (the errno of a failed connect, 0 otherwise).
 */
public final class TcpConnectEventDecoder implements EventDecoder {
  static final StructLayout TCPCONNECT_EVENT =
      structLayout(
              EventHeader.MEMBER,
              JAVA_LONG.withName("latency_ns"),
              JAVA_INT.withName("error"),
              TcpConnection.MEMBER)
          .withName("tcpconnect_event");

  private static final long LATENCY_OFFSET = offsetOf(TCPCONNECT_EVENT, "latency_ns");
  private static final long ERROR_OFFSET = offsetOf(TCPCONNECT_EVENT, "error");
  private static final long CONNECTION_OFFSET = offsetOf(TCPCONNECT_EVENT, "connection");
  private static final int RECORD_BYTES = Math.toIntExact(TCPCONNECT_EVENT.byteSize());

  private static final JsonName LATENCY = JsonName.of("latency");
  private static final JsonName ERROR = JsonName.of("error");

  private final long bootToEpochNanos;
  private long malformedRecords;

  public TcpConnectEventDecoder(long bootToEpochNanos) {
    this.bootToEpochNanos = bootToEpochNanos;
  }

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    if (!EventHeader.fits(ring, offset, length, RECORD_BYTES)
        || !TcpConnection.isValid(ring, offset + CONNECTION_OFFSET)) {
      malformedRecords++;
      return false;
    }
    EventHeader.beginEvent(ring, offset, bootToEpochNanos, out);
    EventHeader.writePid(ring, offset, out);
    EventHeader.writeUid(ring, offset, out);
    EventHeader.writeComm(ring, offset, out);
    TcpConnection.writeEndpoints(ring, offset + CONNECTION_OFFSET, out);
    out.field(LATENCY, ring.get(JAVA_LONG_UNALIGNED, offset + LATENCY_OFFSET));
    out.field(ERROR, ring.get(JAVA_INT_UNALIGNED, offset + ERROR_OFFSET));
    return true;
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
