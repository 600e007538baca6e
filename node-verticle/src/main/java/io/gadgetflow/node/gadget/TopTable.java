package io.gadgetflow.node.gadget;

import io.gadgetflow.node.gadget.ProgramLayouts.MapLayout;
import java.lang.foreign.MemorySegment;

/**
 * What a top gadget's program gathers: a hash map that it fills over an interval, one entry per
 * row, and that user space takes and empties at the end of each interval (see {@link
 * TopTableReader}).
 *
 * @param map the map, its keys and values, as the gadget's {@link ProgramLayouts} declare it
 * @param rows turns one entry into a row
 */
public record TopTable(MapLayout map, RowDecoder rows) {

  /** Turns one entry of the map into a row; the segments are valid only during the call. */
  @FunctionalInterface
  public interface RowDecoder {
    TopRow decode(MemorySegment key, MemorySegment value);
  }
}
