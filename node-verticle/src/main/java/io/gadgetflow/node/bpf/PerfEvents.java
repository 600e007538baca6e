package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Perf events that run BPF programs ({@code BPF_PROG_TYPE_PERF_EVENT}): the CPU clock of one CPU,
 * sampled at a frequency, as libbpf-tools' profile opens it. The kernel samples whatever runs on
 * that CPU, in any process.
 */
public final class PerfEvents {
  private static final Path ONLINE_CPUS = Path.of("/sys/devices/system/cpu/online");
  private static final Path MAX_SAMPLE_RATE =
      Path.of("/proc/sys/kernel/perf_event_max_sample_rate");

  private static final int PERF_TYPE_SOFTWARE = 1;
  private static final long PERF_COUNT_SW_CPU_CLOCK = 0;

  /** Bits of the flags word: opened disabled (libbpf enables it once the program is attached). */
  private static final long ATTR_DISABLED = 1L;

  /** The sample field is a frequency in Hz, not a period. */
  private static final long ATTR_FREQ = 1L << 10;

  private static final long PERF_FLAG_FD_CLOEXEC = 1L << 3;
  private static final int ANY_PROCESS = -1;
  private static final int NO_GROUP = -1;
  private static final int EINVAL = 22;

  /**
   * {@code struct perf_event_attr} as of its first version ({@code PERF_ATTR_SIZE_VER0}, 64 bytes):
   * the kernel takes the fields of later versions as zero.
   */
  private static final StructLayout ATTR =
      MemoryLayout.structLayout(
          JAVA_INT.withName("type"),
          JAVA_INT.withName("size"),
          JAVA_LONG.withName("config"),
          JAVA_LONG.withName("sample_freq"),
          JAVA_LONG.withName("sample_type"),
          JAVA_LONG.withName("read_format"),
          JAVA_LONG.withName("flags"),
          JAVA_INT.withName("wakeup_events"),
          JAVA_INT.withName("bp_type"),
          JAVA_LONG.withName("config1"));

  private static final VarHandle TYPE = field("type");
  private static final VarHandle SIZE = field("size");
  private static final VarHandle CONFIG = field("config");
  private static final VarHandle SAMPLE_FREQ = field("sample_freq");
  private static final VarHandle FLAGS = field("flags");

  private PerfEvents() {}

  /** The CPUs online now, from {@code /sys/devices/system/cpu/online}. */
  public static List<Integer> onlineCpus() {
    try {
      return parseCpuList(Files.readString(ONLINE_CPUS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ONLINE_CPUS, e);
    }
  }

  /** A kernel CPU list such as {@code 0-3,8,10-11}. */
  static List<Integer> parseCpuList(String list) {
    List<Integer> cpus = new ArrayList<>();
    for (String range : list.strip().split(",")) {
      if (range.isEmpty()) {
        continue;
      }
      int dash = range.indexOf('-');
      int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
      int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
      for (int cpu = first; cpu <= last; cpu++) {
        cpus.add(cpu);
      }
    }
    return cpus;
  }

  /**
   * Opens the CPU clock of {@code cpu}, disabled, sampling {@code samplesPerSecond} times a second
   * once enabled; returns its file descriptor.
   */
  static int openCpuClock(int cpu, long samplesPerSecond) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment attr = arena.allocate(ATTR);
      TYPE.set(attr, 0L, PERF_TYPE_SOFTWARE);
      SIZE.set(attr, 0L, (int) ATTR.byteSize());
      CONFIG.set(attr, 0L, PERF_COUNT_SW_CPU_CLOCK);
      SAMPLE_FREQ.set(attr, 0L, samplesPerSecond);
      FLAGS.set(attr, 0L, ATTR_DISABLED | ATTR_FREQ);
      int fd = Libc.perfEventOpen(attr, ANY_PROCESS, cpu, NO_GROUP, PERF_FLAG_FD_CLOEXEC);
      if (fd == -EINVAL) {
        throw new SyscallException(
            "perf_event_open of CPU %d's clock at %d Hz (the kernel allows at most %s, kernel.perf_event_max_sample_rate)"
                .formatted(cpu, samplesPerSecond, maxSampleRate()),
            EINVAL);
      }
      return SyscallException.check(
          fd, "perf_event_open of CPU %d's clock at %d Hz".formatted(cpu, samplesPerSecond));
    }
  }

  private static String maxSampleRate() {
    try {
      return Files.readString(MAX_SAMPLE_RATE).strip() + " Hz";
    } catch (IOException e) {
      return "an unknown rate";
    }
  }

  private static VarHandle field(String name) {
    return ATTR.varHandle(MemoryLayout.PathElement.groupElement(name));
  }
}
