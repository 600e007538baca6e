package io.gadgetflow.node.bpf;

import java.lang.foreign.MemorySegment;

/**
 * Receives ring buffer records in place, without a copy or an allocation per record. A record's
 * bytes stay valid until {@link #onBatchEnd()} returns; after that the kernel may overwrite them.
 * If a callback throws, the exception leaves the reader's call and the records handed over so far,
 * that one included, count as consumed.
 */
public interface RingRecordHandler {

  /** One committed record: {@code length} bytes at {@code offset} in {@code ring}. */
  void onRecord(MemorySegment ring, long offset, int length);

  /** After the records the reader found in one pass over the ring; a good moment to flush. */
  default void onBatchEnd() {}
}
