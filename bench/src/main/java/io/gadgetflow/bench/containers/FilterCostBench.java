package io.gadgetflow.bench.containers;

import static io.gadgetflow.bench.shared.Figures.median;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gadgetflow.node.bpf.BpfMap;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.bpf.BpfProgram;
import io.gadgetflow.node.bpf.RingBufferReader;
import io.gadgetflow.node.bpf.Tracefs;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What an event a container filter drops costs in the kernel. The opensnoop and execsnoop gadgets'
 * BPF programs (the agent's own objects) are loaded in three ways, as the agent loads them:
 *
 * <ul>
 *   <li>detached: no program (openat only);
 *   <li>filtered out: filtering on, the filter map holding one mount namespace that is not the
 *       workload's, so every event is dropped at the program's first check;
 *   <li>recorded: no filter, every event goes into the ring, which a reader thread drains.
 * </ul>
 *
 * <p>openat: the wall time per openat+close of a C loop pinned to core 0 (the reader runs on core
 * 1), rounds alternating between the modes, medians; the difference to detached is what the
 * tracepoints and programs add per event. Then, with the kernel's BPF statistics on
 * (kernel.bpf_stats_enabled), the time spent inside each program per run. exec: only the latter (a
 * fork and exec is too slow and noisy to see tens of nanoseconds in wall time).
 *
 * <p>Run by bench/containers/run.sh: FilterCostBench OPENAT_LOOP OPENS ROUNDS EXECS
 */
public final class FilterCostBench {
  private static final String OPEN_OBJECT = "bpf/trace/open/program.bpf.o";
  private static final String EXEC_OBJECT = "bpf/trace/exec/program.bpf.o";
  private static final Path BPF_STATS = Path.of("/proc/sys/kernel/bpf_stats_enabled");
  private static final int RING_BYTES = 16 << 20;

  /** Selected in "filtered out": a mount namespace id no process has (ids start at 0xF0000000). */
  private static final long OTHER_MOUNT_NS = 1;

  enum Mode {
    DETACHED,
    FILTERED_OUT,
    RECORDED
  }

  /** A gadget's object loaded and attached the way RunningGadget does it, with a ring drainer. */
  private static final class Loaded implements AutoCloseable {
    final BpfObject object;
    final RingBufferReader ring;
    final Thread drainer;
    final LongAdder records = new LongAdder();

    Loaded(String resource, Mode mode) {
      Tracefs.ensureMounted();
      object = BpfObject.openResource(resource);
      object.map("events").setMaxEntries(RING_BYTES);
      object.setConstant("filter_by_mount_ns", mode == Mode.FILTERED_OUT);
      object.load();
      if (mode == Mode.FILTERED_OUT) {
        try (Arena arena = Arena.ofConfined()) {
          MemorySegment key = arena.allocate(JAVA_LONG);
          MemorySegment value = arena.allocate(JAVA_BYTE);
          key.set(JAVA_LONG, 0, OTHER_MOUNT_NS);
          value.set(JAVA_BYTE, 0, (byte) 1);
          object.map("mount_ns_filter").update(key, value, BpfMap.ANY);
        }
      }
      ring = RingBufferReader.open(object.map("events"));
      drainer =
          Thread.ofPlatform()
              .name("drainer")
              .start(
                  () -> {
                    while (ring.poll((segment, offset, length) -> records.increment(), 100)
                        != RingBufferReader.CLOSED) {
                      // drains until closed
                    }
                  });
      object.attachAll();
    }

    /** run_time_ns and run_cnt of each program, from its fd's fdinfo. */
    Map<String, long[]> stats() throws IOException {
      Map<String, long[]> stats = new LinkedHashMap<>();
      for (BpfProgram program : object.programs()) {
        if (!program.autoload()) {
          continue;
        }
        long runTime = 0;
        long runCount = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + program.fd()))) {
          String[] parts = line.split(":\\s*");
          if (parts[0].equals("run_time_ns")) {
            runTime = Long.parseLong(parts[1].strip());
          } else if (parts[0].equals("run_cnt")) {
            runCount = Long.parseLong(parts[1].strip());
          }
        }
        stats.put(program.name(), new long[] {runTime, runCount});
      }
      return stats;
    }

    /** Unloads once the drainer has read what is left; an interrupt is kept for the caller. */
    @Override
    public void close() {
      ring.close();
      try {
        drainer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      object.close();
    }
  }

  public static void main(String[] args) throws Exception {
    Path loop = Path.of(args[0]);
    long opens = Long.parseLong(args[1]);
    int rounds = Integer.parseInt(args[2]);
    int execs = Integer.parseInt(args[3]);
    String statsBefore = Files.readString(BPF_STATS).strip();
    System.out.printf(
        Locale.ROOT,
        "%s, CPUs %s; %,d openat+close per round, %d rounds per mode; %,d execs%n",
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .map(l -> l.substring(l.indexOf(':') + 2))
            .orElse("?"),
        Files.readString(Path.of("/sys/devices/system/cpu/online")).strip(),
        opens,
        rounds,
        execs);
    try {
      Files.writeString(BPF_STATS, "0");
      openatWallTime(loop, opens, rounds);
      Files.writeString(BPF_STATS, "1");
      programTime(OPEN_OBJECT, "openat", () -> runLoop(loop, opens / 4));
      programTime(EXEC_OBJECT, "exec", () -> execLoop(execs));
    } finally {
      Files.writeString(BPF_STATS, statsBefore);
    }
  }

  private static void openatWallTime(Path loop, long opens, int rounds) throws Exception {
    Map<Mode, List<Double>> nanos = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (Mode mode : Mode.values()) {
        double perOp;
        if (mode == Mode.DETACHED) {
          perOp = runLoop(loop, opens);
        } else {
          try (Loaded _ = new Loaded(OPEN_OBJECT, mode)) {
            perOp = runLoop(loop, opens);
          }
        }
        nanos.computeIfAbsent(mode, m -> new ArrayList<>()).add(perOp);
      }
    }
    System.out.println();
    System.out.println("openat+close wall time, ns per pair (median of rounds; all rounds)");
    double detached = median(nanos.get(Mode.DETACHED));
    for (Map.Entry<Mode, List<Double>> entry : nanos.entrySet()) {
      double median = median(entry.getValue());
      System.out.printf(
          Locale.ROOT,
          "  %-13s %7.1f  (+%6.1f over detached)   %s%n",
          entry.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' '),
          median,
          median - detached,
          entry.getValue().stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).toList());
    }
  }

  private interface Workload {
    void run() throws Exception;
  }

  private static void programTime(String object, String workloadName, Workload workload)
      throws Exception {
    System.out.println();
    System.out.printf(
        "%s: time inside the programs, ns per run (kernel.bpf_stats_enabled)%n", workloadName);
    for (Mode mode : List.of(Mode.FILTERED_OUT, Mode.RECORDED)) {
      try (Loaded loaded = new Loaded(object, mode)) {
        Map<String, long[]> before = loaded.stats();
        workload.run();
        Map<String, long[]> after = loaded.stats();
        StringBuilder line = new StringBuilder();
        double total = 0;
        for (String program : after.keySet()) {
          long time = after.get(program)[0] - before.get(program)[0];
          long count = after.get(program)[1] - before.get(program)[1];
          if (count == 0) {
            continue;
          }
          double perRun = (double) time / count;
          total += perRun;
          line.append(String.format(Locale.ROOT, "  %s %.1f (%,d runs)", program, perRun, count));
        }
        System.out.printf(
            Locale.ROOT,
            "  %-13s %6.1f ns per event over the enter and exit programs;%s; %,d records%n",
            mode.name().toLowerCase(Locale.ROOT).replace('_', ' '),
            total,
            line,
            loaded.records.sum());
      }
    }
  }

  /** Runs the loop pinned to core 0; returns its ns per openat+close. */
  private static double runLoop(Path loop, long count) throws Exception {
    Process process =
        new ProcessBuilder("taskset", "-c", "0", loop.toString(), Long.toString(count))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String output = new String(process.getInputStream().readAllBytes()).strip();
    if (process.waitFor() != 0 || !output.startsWith("nanos_per_op=")) {
      throw new IllegalStateException("openat loop failed: " + output);
    }
    return Double.parseDouble(output.substring("nanos_per_op=".length()));
  }

  private static void execLoop(int count) throws Exception {
    Process process =
        new ProcessBuilder(
                "taskset",
                "-c",
                "0",
                "sh",
                "-c",
                "i=0; while [ $i -lt " + count + " ]; do /bin/true; i=$((i+1)); done")
            .inheritIO()
            .start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("exec loop failed");
    }
  }

  private FilterCostBench() {}
}
