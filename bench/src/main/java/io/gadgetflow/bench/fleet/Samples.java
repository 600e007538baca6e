package io.gadgetflow.bench.fleet;

import java.util.ArrayList;
import java.util.List;

/** Durations in microseconds, summarised as percentiles in milliseconds. */
final class Samples {
  private List<Long> micros = new ArrayList<>();

  synchronized void add(long value) {
    micros.add(value);
  }

  synchronized Samples take() {
    Samples taken = new Samples();
    taken.micros = micros;
    micros = new ArrayList<>();
    return taken;
  }

  synchronized int count() {
    return micros.size();
  }

  /** The {@code percent} percentile (nearest rank), in milliseconds; NaN without samples. */
  synchronized double percentileMillis(double percent) {
    if (micros.isEmpty()) {
      return Double.NaN;
    }
    long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
    int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1000.0;
  }

  synchronized double maxMillis() {
    return micros.stream().mapToLong(Long::longValue).max().orElse(0) / 1000.0;
  }

  @Override
  public String toString() {
    return "%d samples, p50 %.0f ms, p99 %.0f ms, max %.0f ms"
        .formatted(count(), percentileMillis(50), percentileMillis(99), maxMillis());
  }
}
