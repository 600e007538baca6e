package io.gadgetflow.node.gadget.profile.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetResults;
import io.gadgetflow.node.gadget.RunningGadget;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The gadget beside bpftrace's {@code profile:hz} probe (Debian's bpftrace, a perf event of the CPU
 * clock on each CPU, as the gadget's), both at 99 Hz on the same workload reading /dev/zero:
 * libbpf-tools 0.26 as packaged by Debian has no profile. The same kernel stack comes first in
 * both, frame by frame (bpftrace writes {@code function+offset}: the offsets are left out), and
 * they count about as many samples. bpftrace 0.17 names no user frames here (it writes their
 * addresses), so user stacks are not compared: {@link CpuProfileGadgetIT} checks them against
 * functions of known names.
 */
class CpuProfileComparisonIT {
  private static final int FREQUENCY = 99;
  private static final double SPIN_SECONDS = 2;
  private static final String SCRIPT =
      "profile:hz:%d /comm == \"%s\"/ { @[kstack] = count(); }"
          .formatted(FREQUENCY, SpinWorkload.COMM);

  /** {@code @[\n read_zero+127\n vfs_read+187\n]: 48}, or {@code @[]: 3} in user mode. */
  private static final Pattern STACK = Pattern.compile("@\\[(.*?)\\]: (\\d+)", Pattern.DOTALL);

  private static final Pattern OFFSET = Pattern.compile("\\+\\d+$");

  @Test
  void theMostSampledKernelStackAndTheSampleCountAreBpftraces() throws Exception {
    Process bpftrace =
        new ProcessBuilder("bpftrace", "-e", SCRIPT)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    CompletableFuture<String> printed = new CompletableFuture<>();
    BufferedReader out =
        new BufferedReader(
            new InputStreamReader(bpftrace.getInputStream(), StandardCharsets.UTF_8));
    try {
      assertThat(out.readLine()).as("bpftrace started").startsWith("Attaching 1 probe");
      Thread.ofPlatform().start(() -> readRest(out, printed));
      Map<List<String>, Long> ours;
      try (RunningGadget gadget =
              RunningGadget.start(
                  CpuProfileGadget.PROGRAM,
                  GadgetOptions.filtered(Set.of()),
                  new GadgetParameters(
                      CpuProfileGadget.PROGRAM.descriptor(),
                      Map.of("frequency", Integer.toString(FREQUENCY))));
          SpinWorkload workload =
              SpinWorkload.inOwnMountNamespace(
                  "kernel", SPIN_SECONDS, gadget.mountNamespaceFilter()::select)) {
        workload.awaitDone();
        ours = kernelStacksOf(workload.pid(), gadget);
        interrupt(bpftrace);
      }
      Map<List<String>, Long> theirs = bpftraceStacks(printed.get(60, TimeUnit.SECONDS));

      assertThat(mostSampled(ours)).isEqualTo(mostSampled(theirs)).contains("vfs_read");
      double ratio = (double) total(ours) / total(theirs);
      assertThat(ratio).as("ours %s, bpftrace's %s", ours, theirs).isBetween(0.67, 1.5);
    } finally {
      bpftrace.destroyForcibly();
      assertThat(bpftrace.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** The workload's samples by kernel stack; an empty stack for the samples in user mode. */
  private static Map<List<String>, Long> kernelStacksOf(long pid, RunningGadget gadget)
      throws IOException {
    String report = GadgetResults.read(gadget).output();
    Map<List<String>, Long> stacks = new HashMap<>();
    for (JsonNode entry : Json.mapper().readTree(report)) {
      if (entry.get("pid").asLong() == pid) {
        List<String> frames = new ArrayList<>();
        entry.path("kernelStack").forEach(frame -> frames.add(frame.asText()));
        stacks.merge(frames, entry.get("count").asLong(), Long::sum);
      }
    }
    return stacks;
  }

  private static Map<List<String>, Long> bpftraceStacks(String printed) {
    Map<List<String>, Long> stacks = new HashMap<>();
    Matcher matcher = STACK.matcher(printed);
    while (matcher.find()) {
      List<String> frames = new ArrayList<>();
      for (String line : matcher.group(1).split("\n")) {
        if (!line.isBlank()) {
          frames.add(OFFSET.matcher(line.strip()).replaceFirst(""));
        }
      }
      stacks.merge(frames, Long.parseLong(matcher.group(2)), Long::sum);
    }
    return stacks;
  }

  private static List<String> mostSampled(Map<List<String>, Long> stacks) {
    return stacks.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElseThrow(() -> new AssertionError("no samples"));
  }

  private static long total(Map<List<String>, Long> stacks) {
    return stacks.values().stream().mapToLong(Long::longValue).sum();
  }

  /** bpftrace prints its maps when interrupted, as after Ctrl-C. */
  private static void interrupt(Process bpftrace) throws Exception {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(bpftrace.pid())).start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  private static void readRest(BufferedReader out, CompletableFuture<String> printed) {
    StringBuilder text = new StringBuilder();
    try {
      String line;
      while ((line = out.readLine()) != null) {
        text.append(line).append('\n');
      }
      printed.complete(text.toString());
    } catch (IOException e) {
      printed.completeExceptionally(e);
    }
  }
}
