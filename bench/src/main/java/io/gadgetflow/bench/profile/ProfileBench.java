package io.gadgetflow.bench.profile;

import static io.gadgetflow.bench.shared.Figures.check;
import static io.gadgetflow.bench.shared.Figures.median;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.gadget.ContainerNames;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.StatusOutput;
import io.gadgetflow.node.gadget.profile.cpu.CpuProfileGadget;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs profile cpu's program and bpftrace's {@code profile:hz} probe (which keeps its stacks with
 * {@code bpf_get_stackid}, as libbpf-tools' profile does) on the whole node at the same time and
 * frequency, while the tests' workload reads /dev/zero, and prints what each program cost per
 * sample by the kernel's BPF statistics ({@code kernel.bpf_stats_enabled}, read with bpftool), then
 * how long the node agent took to read the counts and stacks and name the frames, and the report's
 * size. Both programs sample the same CPUs at the same moments' mix of processes, so their costs
 * compare on a busy machine too; the absolute figures depend on how deep its stacks are.
 *
 * <p>Run by bench/profile/run.sh: ProfileBench SPIN_BINARY [ROUNDS [SECONDS [FREQUENCY]]]
 */
public final class ProfileBench {
  private static final Path BPF_STATS = Path.of("/proc/sys/kernel/bpf_stats_enabled");
  private static final String SAMPLE_PROGRAM = "profile_sample";
  private static final int WARMUP_ROUNDS = 1;

  private static final ContainerNames HOST =
      (mountNsId, out) -> {
        out.field(JsonName.of(CommonEventFields.NODE), "bench");
        out.field(JsonName.of(CommonEventFields.NAMESPACE), "");
        out.field(JsonName.of(CommonEventFields.POD), "");
        out.field(JsonName.of(CommonEventFields.CONTAINER), "");
      };

  /** One program's run-time statistics. */
  private record Runs(long nanos, long count) {
    double nanosPerRun() {
      return (double) nanos / count;
    }
  }

  public static void main(String[] args) throws Exception {
    Path spin = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    String frequency = args.length > 3 ? args[3] : "99";
    String statsBefore = Files.readString(BPF_STATS).strip();
    Files.writeString(BPF_STATS, "1");
    List<Double> ours = new ArrayList<>();
    List<Double> bpftraces = new ArrayList<>();
    List<Double> reportMillis = new ArrayList<>();
    System.out.printf(
        Locale.ROOT,
        "%-6s %10s %14s %10s %14s %10s %10s %9s %s%n",
        "round",
        "samples",
        "gadget ns",
        "samples",
        "bpftrace ns",
        "report ms",
        "KiB",
        "stacks",
        "warning");
    try {
      for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
        Process bpftrace = startBpftrace(frequency);
        try (RunningGadget gadget =
            RunningGadget.start(
                CpuProfileGadget.PROGRAM,
                GadgetOptions.unfiltered(),
                new GadgetParameters(GadgetCatalog.PROFILE, Map.of("frequency", frequency)))) {
          Process workload = spinInTheKernel(spin, seconds);
          long start = System.nanoTime();
          StatusOutput.Result report =
              CpuProfileGadget.PROGRAM.result().orElseThrow().read(gadget, HOST);
          double millis = (System.nanoTime() - start) / 1e6;
          end(workload);
          Map<Boolean, Runs> runs = perfEventPrograms();
          Runs gadgetRuns = runs.get(true);
          Runs bpftraceRuns = runs.get(false);
          check(gadgetRuns != null && bpftraceRuns != null, "both programs ran: " + runs);
          int stacks = Json.mapper().readTree(report.output()).size();
          System.out.printf(
              Locale.ROOT,
              "%-6s %10d %14.0f %10d %14.0f %10.0f %10.0f %9d %s%n",
              round < 0 ? "warmup" : Integer.toString(round + 1),
              gadgetRuns.count(),
              gadgetRuns.nanosPerRun(),
              bpftraceRuns.count(),
              bpftraceRuns.nanosPerRun(),
              millis,
              report.output().length() / 1024.0,
              stacks,
              report.warning() == null ? "" : report.warning());
          if (round >= 0) {
            ours.add(gadgetRuns.nanosPerRun());
            bpftraces.add(bpftraceRuns.nanosPerRun());
            reportMillis.add(millis);
          }
        } finally {
          stop(bpftrace);
        }
      }
    } finally {
      Files.writeString(BPF_STATS, statsBefore);
    }
    System.out.printf(
        Locale.ROOT,
        "median: gadget %.0f ns a sample, bpftrace %.0f ns (gadget / bpftrace %.2f); report %.0f ms%n",
        median(ours),
        median(bpftraces),
        median(ours) / median(bpftraces),
        median(reportMillis));
  }

  private static Process startBpftrace(String frequency) throws Exception {
    Process bpftrace =
        new ProcessBuilder(
                "bpftrace",
                "-e",
                "profile:hz:" + frequency + " { @[kstack, ustack, pid, comm] = count(); }")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader out =
        new BufferedReader(
            new InputStreamReader(bpftrace.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    check(first != null && first.startsWith("Attaching"), "bpftrace started: " + first);
    // Its maps are printed at the end; nobody reads them.
    Thread.ofPlatform().start(() -> out.lines().forEach(line -> {}));
    return bpftrace;
  }

  private static void stop(Process bpftrace) throws Exception {
    new ProcessBuilder("kill", "-INT", Long.toString(bpftrace.pid())).start().waitFor();
    if (!bpftrace.waitFor(60, TimeUnit.SECONDS)) {
      bpftrace.destroyForcibly();
    }
  }

  /**
   * Runs the workload reading /dev/zero for {@code seconds}; returns it once done, still running
   * (until its input is closed) so that its frames can be named.
   */
  private static Process spinInTheKernel(Path spin, int seconds) throws Exception {
    Process workload =
        new ProcessBuilder(spin.toString(), "kernel", Integer.toString(seconds))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(
            new InputStreamReader(workload.getInputStream(), StandardCharsets.UTF_8));
    check("ready".equals(out.readLine()), "the workload started");
    check("done".equals(out.readLine()), "the workload spun");
    return workload;
  }

  private static void end(Process workload) throws Exception {
    workload.getOutputStream().close();
    check(workload.waitFor(60, TimeUnit.SECONDS), "the workload ended");
  }

  /** The run-time statistics of the gadget's program (true) and of bpftrace's (false). */
  private static Map<Boolean, Runs> perfEventPrograms() throws Exception {
    Process bpftool = new ProcessBuilder("bpftool", "-j", "prog", "show").start();
    JsonNode programs = Json.mapper().readTree(bpftool.getInputStream());
    check(bpftool.waitFor(60, TimeUnit.SECONDS) && bpftool.exitValue() == 0, "bpftool ran");
    Map<Boolean, Runs> runs = new HashMap<>();
    for (JsonNode program : programs) {
      if (program.path("type").asText().equals("perf_event")) {
        runs.put(
            program.path("name").asText().equals(SAMPLE_PROGRAM),
            new Runs(program.path("run_time_ns").asLong(), program.path("run_cnt").asLong()));
      }
    }
    return runs;
  }
}
