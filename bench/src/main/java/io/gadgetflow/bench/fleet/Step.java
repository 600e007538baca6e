package io.gadgetflow.bench.fleet;

import io.gadgetflow.bench.shared.TraceRequests;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** One fleet size: agents up, four kubectl gadget -A runs, the web UI watching one trace. */
final class Step {
  private static final Duration START_DEADLINE = Duration.ofMinutes(3);

  /** The client ids of the agents' control readers ({@code ControlReader}), as a JMX pattern. */
  private static final String CONTROL_READERS = "gadgetflow-node-control-*";

  /** Traces the API server alone writes at each step's start (ApiServerBaseline). */
  private static final int BASELINE_TRACES = 200;

  private final FleetBench.Fleet fleet;
  private final Vertx vertx;
  private final ChildJvm controller;
  private final WatchMarks watch;
  private final SyntheticEvents events;
  private final int webPort;
  private final String token;
  private final int nodes;

  Step(
      FleetBench.Fleet fleet,
      Vertx vertx,
      ChildJvm controller,
      WatchMarks watch,
      SyntheticEvents events,
      int webPort,
      String token,
      int nodes) {
    this.fleet = fleet;
    this.vertx = vertx;
    this.controller = controller;
    this.watch = watch;
    this.events = events;
    this.webPort = webPort;
    this.token = token;
    this.nodes = nodes;
  }

  /** One kubectl gadget run's times, from its launch, in milliseconds. */
  record RunTimes(
      String command,
      int runningBefore,
      long firstCreatedMillis,
      long lastCreatedMillis,
      long lastStartedMillis,
      long allNodesPrintedMillis,
      int nodesPrinted) {}

  /** What one step saw. */
  record Result(
      int nodes,
      double loadBefore,
      double loadAfter,
      int traces,
      double threadsPerAgent,
      long heapBytesPerAgent,
      List<RunTimes> runs,
      Samples start,
      Samples stop,
      Samples answerLag,
      Samples countersLag,
      double controllerCpuSeconds,
      double brokersCpuSeconds,
      double benchJvmCpuSeconds,
      Map<String, Long> traceRequests,
      WatchedTrace.Watched watched,
      double fleetEventBytesPerSecond,
      double controlRecordsPerAgent,
      double controlBytesPerAgent,
      long downstreamTraces,
      long downstreamGaps,
      long kubectlMismatches,
      long notStarted,
      List<ApiServerBaseline.Phase> baseline,
      Map<String, ApiServerLatency.Histogram> apiServerLatency,
      Samples launchToCreated,
      Decomposition starts,
      Decomposition stops,
      String controllerLeadership) {

    void print(PrintStream out) {
      out.printf(
          "%n== %d nodes, %d Traces (events SYNTHETIC); load average %.1f before, %.1f after ==%n",
          nodes, traces, loadBefore, loadAfter);
      out.printf(
          "agents in this JVM: %.2f threads and %d KiB of heap per agent%n",
          threadsPerAgent, heapBytesPerAgent / 1024);
      for (RunTimes run : runs) {
        out.printf(
            "kubectl gadget %s -A (Traces running before: %d): from launch, first Trace created %d ms, last created %d ms, last Started %d ms, events from all %d nodes printed %s%n",
            run.command(),
            run.runningBefore(),
            run.firstCreatedMillis(),
            run.lastCreatedMillis(),
            run.lastStartedMillis(),
            nodes,
            run.allNodesPrintedMillis() < 0
                ? "NEVER (" + run.nodesPrinted() + " nodes)"
                : run.allNodesPrintedMillis() + " ms");
      }
      out.printf("Traces not started: %d%n", notStarted);
      out.printf("API server alone, before the runs (no controller acting on these Traces):%n");
      baseline.forEach(phase -> out.printf("  %s%n", phase));
      out.printf("API server's own time per request on Traces during the step (its histograms):%n");
      apiServerLatency.forEach((what, histogram) -> out.printf("  %s: %s%n", what, histogram));
      out.printf("plugin launched -> Trace created (watch): %s%n", launchToCreated);
      starts.print(out);
      stops.print(out);
      out.printf("start -> Started (watch): %s%n", start);
      out.printf("stop -> Stopped (watch): %s%n", stop);
      out.printf("aggregation lag, answers (report -> status seen): %s%n", answerLag);
      out.printf("aggregation lag, counters only: %s%n", countersLag);
      out.printf("controller during the step: %s%n", controllerLeadership);
      out.printf(
          "controller CPU: %.1f s in all, %.1f ms per Trace; the three brokers: %.1f s; this JVM (agents, web UI, group): %.1f s%n",
          controllerCpuSeconds,
          controllerCpuSeconds * 1000 / traces,
          brokersCpuSeconds,
          benchJvmCpuSeconds);
      long statusWrites =
          traceRequests.entrySet().stream()
              .filter(e -> e.getKey().contains(" status "))
              .mapToLong(Map.Entry::getValue)
              .sum();
      out.printf(
          "API server requests on Traces: %s; status writes per Trace: %.2f%n",
          traceRequests, (double) statusWrites / traces);
      out.printf(
          "web UI watching one trace for its events (%d events, %d bytes): live feed read %s bytes by topic; the fleet's events: %.0f bytes/s%n",
          watched.events(),
          watched.eventBytes(),
          watched.feedBytesByTopic(),
          fleetEventBytesPerSecond);
      out.printf(
          "control topic fetched per agent, since the agents started (their consumers' metrics): %.0f records, %.0f bytes%n",
          controlRecordsPerAgent, controlBytesPerAgent);
      out.printf(
          "downstream group: %d traces, %d with a gap or repeat; kubectl gadget vs downstream: %d mismatches%n",
          downstreamTraces, downstreamGaps, kubectlMismatches);
    }
  }

  Result run() throws Exception {
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    List<String> names = FleetBench.Fleet.nodeNames(nodes);
    fleet.nodeObjects(names);
    try (FleetAgents agents =
            FleetAgents.deploy(
                vertx, names, fleet.kafka().bootstrapServers(), events, fleet.nodeKeys());
        Downstream downstream =
            new Downstream(
                fleet.clients(), fleet.topics().events(), "fleet-downstream-" + nodes, 3)) {
      if (!downstream.awaitAssigned(Duration.ofMinutes(1))) {
        throw new IllegalStateException("the downstream group got no partitions");
      }
      // The API server alone, on an idle fleet: what its writes cost before anything else asks.
      List<ApiServerBaseline.Phase> baseline =
          new ApiServerBaseline(fleet.client()).measure(BASELINE_TRACES);
      watch.takeAnswerLags();
      watch.takeCounterLags();
      Map<String, ApiServerLatency.Histogram> latencyBefore = ApiServerLatency.read(fleet.client());
      double cpuBefore = controller.cpuSeconds();
      double brokersBefore = brokersCpuSeconds();
      double agentsBefore = ChildJvm.cpuSeconds(ProcessHandle.current().pid());
      Map<String, Long> requestsBefore = TraceRequests.count(fleet.client());
      List<KubectlGadgetRun> runs = new ArrayList<>();
      // Traces an earlier step's runs could not delete in time are seen again: leave them out.
      long stepStart = Clocks.epochMicros();
      // One run after another, each once the previous one's Traces all started: four plugin JVMs
      // starting at once on two cores timed out reaching Kafka (10 s), which no user sees.
      for (String command : FleetBench.COMMANDS) {
        runs.add(
            KubectlGadgetRun.launch(
                command,
                fleet.kube().kubeconfig(),
                fleet.kafka().bootstrapServers(),
                fleet.log("kubectl-gadget-" + command + "-" + nodes)));
        awaitStarted(nodes * runs.size(), runs.getLast());
      }
      int traces = nodes * runs.size();
      long notStarted = ofThisStep(stepStart).stream().filter(t -> t.started == 0).count();
      // The starts now, in case the step's end does not come (a stop far slower than the starts).
      System.out.printf(
          "%n-- %d nodes: all runs started (%d Traces not started); the API server alone: %s%n",
          nodes, notStarted, baseline);
      Decomposition.ofStarts(
              ofThisStep(stepStart),
              ControllerMarks.read(fleet.data().resolve("controller.log")),
              watch)
          .print(System.out);

      // The web UI watches one trace while the fleet runs: the one started last.
      WatchMarks.Seen one =
          ofThisStep(stepStart).stream()
              .filter(t -> t.started > 0)
              .max(java.util.Comparator.comparingLong(t -> t.started))
              .orElseThrow();
      double downstreamBytesBefore = downstream.bytes();
      long windowStart = System.nanoTime();
      WatchedTrace.Watched watched =
          WatchedTrace.watch(
              webPort,
              token,
              FleetBench.NAMESPACE,
              one.name,
              Duration.ofSeconds(fleet.settings().watchSeconds()));
      double fleetBytesPerSecond =
          (downstream.bytes() - downstreamBytesBefore) / ((System.nanoTime() - windowStart) / 1e9);

      TimeUnit.SECONDS.sleep(
          Math.max(0, fleet.settings().runSeconds() - fleet.settings().watchSeconds()));
      // Ctrl-C to every run at once, as a user ending them.
      for (KubectlGadgetRun run : runs) {
        run.interrupt();
      }
      for (KubectlGadgetRun run : runs) {
        run.awaitEnd(Duration.ofMinutes(3));
      }
      double cpu = controller.cpuSeconds() - cpuBefore;
      double brokersCpu = brokersCpuSeconds() - brokersBefore;
      double agentsCpu = ChildJvm.cpuSeconds(ProcessHandle.current().pid()) - agentsBefore;
      Map<String, Long> requests =
          TraceRequests.since(requestsBefore, TraceRequests.count(fleet.client()));
      Map<String, ApiServerLatency.Histogram> latency =
          ApiServerLatency.since(latencyBefore, ApiServerLatency.read(fleet.client()));

      Samples start = new Samples();
      Samples stop = new Samples();
      for (WatchMarks.Seen seen : ofThisStep(stepStart)) {
        if (seen.started > 0) {
          start.add(seen.started - seen.created);
        }
        if (seen.stopped > 0 && seen.stopAsked > 0) {
          stop.add(seen.stopped - seen.stopAsked);
        }
      }
      // Events still on their way to the group after the last stop.
      TimeUnit.SECONDS.sleep(5);
      long gaps = 0;
      for (String uid : downstream.traces()) {
        Downstream.PerTrace trace = downstream.trace(uid);
        if (trace.received.get() != trace.highestSequence.get() + 1) {
          gaps++;
        }
      }
      // Read while the agents run: their consumers' metrics go with them.
      String controlTopic = fleet.topics().control();
      double controlRecords =
          ConsumerBytes.recordsByTopic(CONTROL_READERS).getOrDefault(controlTopic, 0.0);
      double controlBytes = ConsumerBytes.byTopic(CONTROL_READERS).getOrDefault(controlTopic, 0.0);
      ControllerMarks marks = ControllerMarks.read(fleet.data().resolve("controller.log"));
      List<RunTimes> times = new ArrayList<>();
      Samples launchToCreated = new Samples();
      long mismatches = 0;
      for (int i = 0; i < runs.size(); i++) {
        KubectlGadgetRun run = runs.get(i);
        String gadget = gadgetOf(run.command);
        List<WatchMarks.Seen> own =
            ofThisStep(stepStart).stream().filter(t -> t.gadget.equals(gadget)).toList();
        own.forEach(t -> launchToCreated.add(t.created - run.launchedMicros));
        long lastPrinted =
            run.firstEventMicros.values().stream().mapToLong(Long::longValue).max().orElse(0);
        times.add(
            new RunTimes(
                run.command,
                i * nodes,
                (own.stream().mapToLong(t -> t.created).min().orElse(0) - run.launchedMicros)
                    / 1000,
                (own.stream().mapToLong(t -> t.created).max().orElse(0) - run.launchedMicros)
                    / 1000,
                (own.stream().mapToLong(t -> t.started).max().orElse(0) - run.launchedMicros)
                    / 1000,
                run.firstEventMicros.size() == nodes
                    ? (lastPrinted - run.launchedMicros) / 1000
                    : -1,
                run.firstEventMicros.size()));
        mismatches += mismatches(run, downstream);
      }
      return new Result(
          nodes,
          loadBefore,
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          traces,
          agents.threadsPerAgentTimes100 / 100.0,
          agents.heapBytesPerAgent,
          times,
          start,
          stop,
          watch.takeAnswerLags(),
          watch.takeCounterLags(),
          cpu,
          brokersCpu,
          agentsCpu,
          requests,
          watched,
          fleetBytesPerSecond,
          controlRecords / nodes,
          controlBytes / nodes,
          downstream.traces().size(),
          gaps,
          mismatches,
          notStarted,
          baseline,
          latency,
          launchToCreated,
          Decomposition.ofStarts(ofThisStep(stepStart), marks, watch),
          Decomposition.ofStops(ofThisStep(stepStart), marks, watch),
          marks.leadershipSince(stepStart));
    }
  }

  /**
   * Nodes whose event count in the run differs from what the downstream group got of the run's
   * Trace on that node.
   */
  private long mismatches(KubectlGadgetRun run, Downstream downstream) {
    String gadget = gadgetOf(run.command);
    long mismatches = 0;
    for (WatchMarks.Seen seen : watch.traces()) {
      if (!seen.gadget.equals(gadget)) {
        continue;
      }
      Downstream.PerTrace got = downstream.trace(seen.uid);
      long printed = run.eventsByNode.getOrDefault(seen.node, new AtomicLong()).get();
      if (got == null || got.received.get() != printed) {
        mismatches++;
      }
    }
    return mismatches;
  }

  private static String gadgetOf(String command) {
    return switch (command) {
      case "trace exec" -> "execsnoop";
      case "trace open" -> "opensnoop";
      case "trace tcp" -> "tcptracer";
      case "trace signal" -> "sigsnoop";
      default -> throw new IllegalArgumentException(command);
    };
  }

  private List<WatchMarks.Seen> ofThisStep(long stepStart) {
    return watch.traces().stream().filter(t -> t.created >= stepStart).toList();
  }

  private double brokersCpuSeconds() {
    double seconds = 0;
    for (int broker = 1; broker <= fleet.kafka().size(); broker++) {
      seconds += ChildJvm.cpuSeconds(fleet.kafka().pid(broker));
    }
    return seconds;
  }

  /** Until {@code traces} started or failed, {@code run} ended, or the deadline passed. */
  private void awaitStarted(int traces, KubectlGadgetRun run) throws InterruptedException {
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (System.nanoTime() < deadline && !run.ended()) {
      long decided = watch.traces().stream().filter(t -> t.started > 0 || t.failed).count();
      if (decided >= traces) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }
}
