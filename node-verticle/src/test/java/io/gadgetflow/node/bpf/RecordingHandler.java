package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** Copies every record it is handed, and notes where in the ring each one was. */
final class RecordingHandler implements RingRecordHandler {
  final List<byte[]> records = new ArrayList<>();
  final List<Long> offsets = new ArrayList<>();
  int batches;

  @Override
  public void onRecord(MemorySegment ring, long offset, int length) {
    records.add(ring.asSlice(offset, length).toArray(JAVA_BYTE));
    offsets.add(offset);
  }

  @Override
  public void onBatchEnd() {
    batches++;
  }
}
