package io.gadgetflow.bench.shared;

import java.util.List;

/** What the benchmarks do with their figures: summarise them, and refuse ones not to be trusted. */
public final class Figures {
  private Figures() {}

  public static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  /**
   * Stops the run when {@code condition} does not hold: its figures would measure something else.
   */
  public static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark run is wrong: " + what);
    }
  }
}
