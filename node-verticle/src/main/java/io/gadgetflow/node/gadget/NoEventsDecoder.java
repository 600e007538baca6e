package io.gadgetflow.node.gadget;

import java.lang.foreign.MemorySegment;

/**
 * The decoder of a gadget that answers through {@code status.output} and sends nothing through its
 * ring: any record there is counted as malformed.
 */
public final class NoEventsDecoder implements EventDecoder {
  private long malformedRecords;

  /** Takes the boot-to-epoch offset only to fit {@link GadgetProgram#newDecoder()}. */
  public NoEventsDecoder(long bootToEpochNanos) {}

  @Override
  public boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out) {
    malformedRecords++;
    return false;
  }

  @Override
  public long malformedRecords() {
    return malformedRecords;
  }
}
