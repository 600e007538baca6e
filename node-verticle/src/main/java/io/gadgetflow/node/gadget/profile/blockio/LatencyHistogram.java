package io.gadgetflow.node.gadget.profile.blockio;

import java.util.ArrayList;
import java.util.List;

/**
 * Inspektor Gadget's block-io report: {@code {"valType":"usecs","data":[{"count":..,
 * "intervalStart":..,"intervalEnd":..}]}}, one interval per log2 slot, up to the last one that
 * counted anything: 0-1, 2-3, 4-7, 8-15 and so on, as bcc's biolatency prints them.
 */
public record LatencyHistogram(String valType, List<Interval> data) {

  /** Latencies counted in {@code [intervalStart, intervalEnd]} microseconds. */
  public record Interval(long count, long intervalStart, long intervalEnd) {}

  public static final String MICROSECONDS = "usecs";

  public LatencyHistogram {
    data = List.copyOf(data);
  }

  /** {@code slots[n]} counts the latencies of [2^n, 2^(n+1)) microseconds, 0 in slot 0. */
  public static LatencyHistogram ofLog2Slots(long[] slots) {
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
    return new LatencyHistogram(MICROSECONDS, intervals);
  }

  public long total() {
    return data.stream().mapToLong(Interval::count).sum();
  }
}
