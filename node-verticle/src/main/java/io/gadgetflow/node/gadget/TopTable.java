package io.gadgetflow.node.gadget;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;

/**
 * What a top gadget's program gathers: a hash map that it fills over an interval, one entry per
 * row, and that user space takes and empties at the end of each interval (see {@link
 * TopTableReader}).
 *
 * @param mapName the map's name in the program
 * @param key the layout of the map's keys
 * @param value the layout of the map's values
 * @param rows turns one entry into a row
 */
public record TopTable(String mapName, MemoryLayout key, MemoryLayout value, RowDecoder rows) {

  /** Turns one entry of the map into a row; the segments are valid only during the call. */
  @FunctionalInterface
  public interface RowDecoder {
    TopRow decode(MemorySegment key, MemorySegment value);
  }
}
