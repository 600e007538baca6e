package io.gadgetflow.bench.peers;

import static io.gadgetflow.bench.shared.Figures.check;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of bench/peers/storm.c, pinned to core 0: real syscalls at a set rate for a set time, and
 * what it says at its end.
 *
 * @param pid the storm's process, whose events the tracers' outputs are searched for
 * @param offered the calls it made
 * @param nanos how long it ran
 * @param cpuNanos its own CPU time, user and kernel: the tracers' BPF programs run in its calls
 */
record Storm(long pid, long offered, long nanos, long cpuNanos) {
  double achievedRate() {
    return offered * 1e9 / nanos;
  }

  double cpuNanosPerCall() {
    return (double) cpuNanos / offered;
  }

  /**
   * Starts a storm; {@link #await} reads its result.
   *
   * @param prefix runs it through another program first, e.g. nsenter into a container's mount
   *     namespace; empty runs it as it is
   */
  static Process start(Path program, List<String> prefix, String workload, long rate, int seconds)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("taskset", "-c", "0"));
    command.addAll(prefix);
    command.addAll(
        List.of(program.toString(), workload, Long.toString(rate), Integer.toString(seconds)));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  static Storm await(Process process) throws Exception {
    String output = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
    check(process.waitFor() == 0, "storm failed: " + output);
    Map<String, Long> fields = new HashMap<>();
    for (String pair : output.split(" ")) {
      String[] nameValue = pair.split("=", 2);
      fields.put(nameValue[0], Long.parseLong(nameValue[1]));
    }
    return new Storm(
        fields.get("pid"), fields.get("offered"), fields.get("nanos"), fields.get("cpu_nanos"));
  }
}
