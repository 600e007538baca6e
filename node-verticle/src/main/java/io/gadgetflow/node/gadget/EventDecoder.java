package io.gadgetflow.node.gadget;

import java.lang.foreign.MemorySegment;

/**
 * Turns one ring buffer record of a gadget into one JSON event. Never throws for the record's
 * bytes: a record that cannot be an event of this gadget is counted and skipped.
 */
public interface EventDecoder {

  /**
   * Starts a new object in {@code out} with the event's fields, and leaves it open so the caller
   * can append more (node, namespace, pod, container) before {@link JsonEventWriter#endObject()}.
   *
   * @return false when the record is malformed; {@code out} then holds no event
   */
  boolean decode(MemorySegment ring, long offset, int length, JsonEventWriter out);

  /** How many records {@link #decode} skipped as malformed. */
  long malformedRecords();
}
