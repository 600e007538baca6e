package io.gadgetflow.node.trace;

import java.util.concurrent.TimeUnit;

/**
 * How often a gadget's reader looks for lost events to warn its traces of: at most every 100 ms, as
 * reading the kernel's counters is a system call. Its reader thread's alone.
 */
final class LossWarningPace {
  private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private long nextNanos = System.nanoTime();

  /** Whether it is time to look again; if so, the next look is due an interval from now. */
  boolean due() {
    long now = System.nanoTime();
    if (now - nextNanos < 0) {
      return false;
    }
    nextNanos = now + INTERVAL_NANOS;
    return true;
  }
}
