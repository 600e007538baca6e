package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Converts BPF timestamps ({@code bpf_ktime_get_boot_ns}: nanoseconds since boot, suspend included)
 * to nanoseconds since the epoch.
 */
public final class BootClock {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final int SAMPLES = 5;

  private BootClock() {}

  /**
   * What to add to a boot timestamp to get epoch nanoseconds, as of now. The wall clock can be
   * stepped, so long-running readers should take it again from time to time.
   */
  public static long epochOffsetNanos() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment timespec = arena.allocate(JAVA_LONG, 2);
      long bestWindow = Long.MAX_VALUE;
      long bestOffset = 0;
      // The boot clock read between two wall clock reads; the tightest pair wins.
      for (int i = 0; i < SAMPLES; i++) {
        long wallBefore = read(Libc.CLOCK_REALTIME, timespec);
        long boot = read(Libc.CLOCK_BOOTTIME, timespec);
        long wallAfter = read(Libc.CLOCK_REALTIME, timespec);
        if (wallAfter - wallBefore < bestWindow) {
          bestWindow = wallAfter - wallBefore;
          bestOffset = wallBefore + (wallAfter - wallBefore) / 2 - boot;
        }
      }
      return bestOffset;
    }
  }

  private static long read(int clock, MemorySegment timespec) {
    SyscallException.check(Libc.clockGettime(clock, timespec), "clock_gettime");
    return timespec.getAtIndex(JAVA_LONG, 0) * NANOS_PER_SECOND + timespec.getAtIndex(JAVA_LONG, 1);
  }
}
