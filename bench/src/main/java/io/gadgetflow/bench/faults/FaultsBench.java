package io.gadgetflow.bench.faults;

import io.gadgetflow.bench.shared.Directories;
import io.gadgetflow.controller.leader.LeaderElection.Timing;
import io.gadgetflow.faults.AgentFaults;
import io.gadgetflow.faults.ControlPlaneFaults;
import io.gadgetflow.faults.FaultFigures;
import io.gadgetflow.faults.FaultPace;
import io.gadgetflow.faults.KafkaFaults;
import io.gadgetflow.faults.PlatformFault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The fault suite (issue 20) as a benchmark: runs the faults of the {@code faults} module at the
 * bench's pace (10,000 events/s by default), prints one Markdown table row per fault and, given a
 * file, puts the table into it between its markers. The faults module's ITs run the same faults at
 * a lower rate in the build, asserting their goals.
 *
 * <pre>
 *   FaultsBench [--doc docs/reliability.md] [FAULT...]
 *   faults: broker-restart (one broker, kill -9, down FAULTS_DOWN_SECONDS, restarted),
 *           broker-lost (three brokers, replication 3, min.insync.replicas 2, the quorum's leader
 *           killed for good),
 *           broker-lost-follower (the same, a broker that does not lead the quorum),
 *           broker-pause (three brokers, the quorum's leader stopped 5 s with SIGSTOP, then let
 *           go),
 *           disk-full (the File Trace's directory a tmpfs that fills; needs root),
 *           agent-restart (the node agent killed, down FAULTS_DOWN_SECONDS, started again),
 *           apiserver-restart (the Kubernetes API server killed, down 25 s, started again),
 *           controller-standby (the acting controller killed, a standby takes over),
 *           controller-restart (the only controller killed and started again)
 *   environment: FAULTS_RATE (10000 events/s), FAULTS_STEADY_SECONDS (10),
 *                FAULTS_DOWN_SECONDS (10), FAULTS_AFTER_SECONDS (20 after the recovery),
 *                FAULTS_BROKER_SETTINGS (name=value,... over the brokers' settings; none),
 *                FAULTS_OPERATION_TIMEOUT_SECONDS (the controller's, 30; the product's is 10)
 * </pre>
 *
 * <p>Every fault runs the real controller and Traces of each output mode: Stream and File through
 * the fault, Status ({@code biolatency}) and ExternalResource ({@code seccomp}) Traces whose
 * operations are annotated around it and whose results are checked.
 */
public final class FaultsBench {
  private FaultsBench() {}

  public static void main(String[] args) throws Exception {
    Path doc = null;
    List<String> faults = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--doc")) {
        doc = Path.of(args[++i]);
      } else {
        faults.add(args[i]);
      }
    }
    if (faults.isEmpty()) {
      faults =
          List.of(
              "broker-restart",
              "broker-lost",
              "broker-lost-follower",
              "broker-pause",
              "disk-full",
              "agent-restart",
              "apiserver-restart",
              "controller-standby",
              "controller-restart");
    }
    FaultPace pace = FaultPace.fromEnvironment(System.getenv());
    ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    String loadAtStart = loadAverage();
    List<FaultFigures> figures = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    boolean failed = false;
    for (String fault : faults) {
      PlatformFault measured;
      try {
        measured = run(fault, pace);
      } catch (Exception | AssertionError e) {
        // One fault that could not be measured leaves the others' rows to be had.
        System.err.println("faults: " + fault + " failed: " + e);
        e.printStackTrace();
        failed = true;
        continue;
      }
      measured
          .problems()
          .forEach(problem -> System.err.println("faults: " + fault + ": " + problem));
      measured.problems().forEach(problem -> seen.add(fault + ": " + problem));
      measured.notes().forEach(note -> seen.add(fault + ": " + note));
      for (FaultFigures row : List.of(measured.stream(), measured.file())) {
        System.out.println(row.row());
        figures.add(row);
      }
    }
    String note =
        "%s to %s UTC (load average %s at the start, %s at the end), `%sbench/faults/run.sh %s`: %s.%s"
            .formatted(
                started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("HH:mm")),
                loadAtStart,
                loadAverage(),
                settingsGiven(),
                String.join(" ", faults),
                pace.describe(),
                seen.isEmpty() ? "" : " Seen: " + String.join("; ", seen) + ".");
    System.out.println(FaultFigures.header());
    figures.forEach(f -> System.out.println(f.row()));
    // A run that measured nothing has no row for its note to stand beside.
    if (doc != null && !figures.isEmpty()) {
      Files.writeString(doc, FaultsTable.withRun(Files.readString(doc), figures, note));
    }
    boolean lossless =
        figures.stream()
            .allMatch(
                f ->
                    f.silentlyLost() == 0
                        && f.operations().lost() == 0
                        && f.operations().runTwice() == 0);
    System.exit(lossless && !failed ? 0 : 1);
  }

  /**
   * The {@code FAULTS_*} variables this run was given, as the command's prefix: its exact command.
   */
  private static String settingsGiven() {
    return System.getenv().entrySet().stream()
        .filter(variable -> variable.getKey().startsWith("FAULTS_"))
        .map(variable -> variable.getKey() + "=" + variable.getValue() + " ")
        .sorted()
        .collect(Collectors.joining());
  }

  /** The machine's load average over the last minute, as {@code uptime} says it first. */
  private static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }

  /** One fault, in a scratch directory of its own. */
  private static PlatformFault run(String fault, FaultPace pace) throws Exception {
    Path scratch = Files.createTempDirectory("gadgetflow-faults-");
    try {
      return switch (fault) {
        case "broker-restart" -> KafkaFaults.brokerRestart(pace, scratch);
        case "broker-lost" -> KafkaFaults.brokerLost(pace, scratch, true);
        case "broker-lost-follower" -> KafkaFaults.brokerLost(pace, scratch, false);
        case "broker-pause" -> KafkaFaults.brokerPause(pace, scratch);
        case "disk-full" -> KafkaFaults.diskFull(pace, scratch);
        case "agent-restart" -> AgentFaults.agentRestart(pace, scratch).fault();
        case "apiserver-restart" -> ControlPlaneFaults.apiServerRestart(pace, scratch);
        case "controller-standby" ->
            ControlPlaneFaults.controllerKill(pace, scratch, true, Timing.DEFAULT);
        case "controller-restart" ->
            ControlPlaneFaults.controllerKill(pace, scratch, false, Timing.DEFAULT);
        default -> throw new IllegalArgumentException("unknown fault: " + fault);
      };
    } finally {
      Directories.deleteRecursively(scratch);
    }
  }
}
