package io.gadgetflow.node.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Drives the test program bpf/test/ringwriter through BPF_PROG_TEST_RUN. */
final class RingWriter implements AutoCloseable {
  static final int SEQUENCE_RECORD_BYTES = 32;

  private static final int ETHERNET_HEADER_BYTES = 14;
  private static final int COPY_PAYLOAD = 0;
  private static final int RESERVE_AND_DISCARD = 1;
  private static final int NEXT_SEQUENCE = 2;

  final BpfObject object;
  private final BpfProgram program;

  private RingWriter(BpfObject object) {
    this.object = object;
    this.program = object.program("write_records");
  }

  static RingWriter load(int ringBytes) {
    BpfObject object = BpfObject.openResource("bpf/test/ringwriter/program.bpf.o");
    try {
      object.map("events").setMaxEntries(ringBytes);
      object.load();
      return new RingWriter(object);
    } catch (RuntimeException e) {
      object.close();
      throw e;
    }
  }

  BpfMap events() {
    return object.map("events");
  }

  BpfMap lost() {
    return object.map("lost");
  }

  void write(byte[] payload) {
    program.testRun(command(COPY_PAYLOAD, payload), 1);
  }

  void writeDiscarded() {
    program.testRun(command(RESERVE_AND_DISCARD, new byte[0]), 1);
  }

  /** {@code count} records of {@link #SEQUENCE_RECORD_BYTES}, numbered from 0 on. */
  void writeSequence(int count) {
    program.testRun(command(NEXT_SEQUENCE, new byte[0]), count);
  }

  private static byte[] command(int op, byte[] payload) {
    return ByteBuffer.allocate(ETHERNET_HEADER_BYTES + 8 + payload.length)
        .order(ByteOrder.nativeOrder())
        .position(ETHERNET_HEADER_BYTES)
        .putInt(op)
        .putInt(payload.length)
        .put(payload)
        .array();
  }

  @Override
  public void close() {
    object.close();
  }
}
