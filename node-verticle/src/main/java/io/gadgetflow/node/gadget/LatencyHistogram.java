package io.gadgetflow.node.gadget;

import io.gadgetflow.node.bpf.BpfMap;
import io.gadgetflow.node.gadget.ProgramLayouts.MapLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Inspektor Gadget's report of a profile gadget's histogram (block-io, tcprtt): {@code
 * {"valType":"usecs","data":[{"count":..,"intervalStart":..,"intervalEnd":..}]}}, one interval per
 * log2 slot, up to the last one that counted anything: 0-1, 2-3, 4-7, 8-15 and so on, as bcc's
 * biolatency prints them.
 */
public record LatencyHistogram(String valType, List<Interval> data) {

  /** Values counted in {@code [intervalStart, intervalEnd]} units. */
  public record Interval(long count, long intervalStart, long intervalEnd) {}

  public static final String MICROSECONDS = "usecs";
  public static final String MILLISECONDS = "msecs";

  /** The key and value of a histogram's map: slot n, and how many values it counted. */
  public static final ValueLayout.OfInt SLOT = ValueLayout.JAVA_INT;

  public static final ValueLayout.OfLong COUNT = ValueLayout.JAVA_LONG;

  public LatencyHistogram {
    data = List.copyOf(data);
  }

  /** {@code slots[n]} counts the microseconds of [2^n, 2^(n+1)), 0 in slot 0. */
  public static LatencyHistogram ofLog2Slots(long[] slots) {
    return ofLog2Slots(MICROSECONDS, slots);
  }

  /** {@code slots[n]} counts the values of [2^n, 2^(n+1)) {@code valType}, 0 in slot 0. */
  public static LatencyHistogram ofLog2Slots(String valType, long[] slots) {
    int last = slots.length - 1;
    while (last >= 0 && slots[last] == 0) {
      last--;
    }
    List<Interval> intervals = new ArrayList<>();
    for (int slot = 0; slot <= last; slot++) {
      long start = slot == 0 ? 0 : 1L << slot;
      long end = (1L << (slot + 1)) - 1;
      intervals.add(new Interval(slots[slot], start, end));
    }
    return new LatencyHistogram(valType, intervals);
  }

  /** Reads a program's histogram: an array map of {@link #SLOT} to {@link #COUNT}. */
  public static LatencyHistogram read(RunningGadget gadget, MapLayout slotsMap, String valType) {
    BpfMap map = gadget.map(slotsMap.name());
    long[] slots = new long[map.maxEntries()];
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(SLOT);
      MemorySegment value = arena.allocate(COUNT);
      for (int slot = 0; slot < slots.length; slot++) {
        key.set(SLOT, 0, slot);
        if (map.lookup(key, value)) {
          slots[slot] = value.get(COUNT, 0);
        }
      }
    }
    return ofLog2Slots(valType, slots);
  }

  public long total() {
    return data.stream().mapToLong(Interval::count).sum();
  }
}
