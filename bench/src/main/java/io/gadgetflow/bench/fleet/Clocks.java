package io.gadgetflow.bench.fleet;

import java.time.Instant;

/** Wall-clock times in microseconds: every process of the fleet shares this machine's clock. */
final class Clocks {
  private Clocks() {}

  static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
