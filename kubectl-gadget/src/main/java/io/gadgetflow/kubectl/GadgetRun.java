package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.gadget.TraceValidation;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;

/**
 * One gadget run from the command line: one Trace per node, created with the first operation; wait
 * until a node runs it (a node that fails or does not answer is reported, the others go on); print
 * events live or wait, until Ctrl-C or --timeout; then stop, print the results the gadget writes
 * into the Trace's status, and delete the Traces, whatever happened before.
 */
final class GadgetRun {
  /** Longer than the controller's operation timeout, so its "did not answer" error comes first. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  /**
   * Longer than the controller's operation timeout, so a silent node's error is shown; counted from
   * the last Trace that stopped, so that a stop of many Traces ends while they keep stopping.
   */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  /** Longer than the controller's deletion timeout, its longest wait for a silent node. */
  private static final Duration DELETION_TIMEOUT = Duration.ofSeconds(15);

  /**
   * How long the run reads on, once its Traces stopped, for their events still ahead of it in
   * Kafka: bounded, so that a run far behind a busy fleet still ends.
   */
  private static final Duration LAST_EVENTS_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How long the shutdown hook lets the run end itself before deleting the Traces on its own: from
   * Ctrl-C, or from the last Trace that stopped, whichever is later.
   */
  private static final Duration ENDING_GRACE =
      STOP_TIMEOUT.plus(LAST_EVENTS_TIMEOUT).plus(DELETION_TIMEOUT).plusSeconds(5);

  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  /** Trace creations under way at once: the API server's work, not the plugin's, bounds them. */
  static final int PARALLEL_CREATES = 16;

  private final GadgetDescriptor gadget;
  private final GadgetPlan plan;
  private final TraceGroup group;
  private final TraceBoard board;
  private final EventTopic events;
  private final EventPrinter printer;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Consumer<String> progress;

  /** Trace name to node, in creation order. */
  private final Map<String, String> nodeByTrace = new LinkedHashMap<>();

  /** Trace name to the last error or warning printed for it, so each is printed once. */
  private final Map<String, String> reported = new HashMap<>();

  private boolean failed;
  private boolean createAttempted;

  /** Some creation failed or was cut short: a Trace of the group may exist under a name unknown. */
  private boolean createIncomplete;

  /** The ending's progress goes to it (more Traces stopped, deleted). */
  private RunLifecycle lifecycle;

  /**
   * @param events the events topic, opened before any Trace exists; null for gadgets that do not
   *     stream
   */
  GadgetRun(
      GadgetDescriptor gadget,
      GadgetPlan plan,
      TraceGroup group,
      TraceBoard board,
      EventTopic events,
      EventPrinter printer,
      PrintWriter out,
      PrintWriter err,
      Consumer<String> progress) {
    this.gadget = gadget;
    this.plan = plan;
    this.group = group;
    this.board = board;
    this.events = events;
    this.printer = printer;
    this.out = out;
    this.err = err;
    this.progress = progress;
  }

  /**
   * Runs the gadget on {@code nodes} until it ends by itself, {@code duration} passes ({@link
   * Duration#ZERO}: until stopped) or the process is asked to stop.
   *
   * @return the exit status: 0 when the gadget ran on a node and its Traces are gone, else 1
   * @throws CommandFailure when the API server refuses a Trace (after deleting those created)
   */
  int run(
      List<String> nodes, TraceFilter filter, Map<String, String> parameters, Duration duration) {
    lifecycle = new RunLifecycle(Thread.currentThread());
    lifecycle.onShutdown(ENDING_GRACE, this::deleteAsLastResort);
    CommandFailure failure = null;
    try {
      create(nodes, filter, parameters);
      if (awaitRunning()) {
        if (plan.runsUntilStopped()) {
          runFor(duration);
        }
      } else {
        reportRunsNowhere();
      }
    } catch (InterruptedException | InterruptException stopRequested) {
      progress.accept("stopping");
    } catch (CommandFailure e) {
      failure = e;
    } finally {
      boolean stopRequested = lifecycle.beginEnding();
      group.seal();
      end(true);
      lifecycle.ended();
      out.flush();
      err.flush();
      // A request cut short by Ctrl-C fails too; that is the stop, not an error to show.
      if (failure != null && !stopRequested) {
        throw failure;
      }
    }
    return failed ? 1 : 0;
  }

  /**
   * The first half of an advisor's run ({@code advise ... start}): starts the gadget on {@code
   * nodes} and leaves its Traces running for {@link #finish} in a later command. When it runs on no
   * node, or the process is asked to stop meanwhile, the Traces are stopped and deleted instead.
   *
   * @return the exit status: 0 when the gadget runs on a node, else 1
   */
  int start(List<String> nodes, TraceFilter filter, Map<String, String> parameters) {
    lifecycle = new RunLifecycle(Thread.currentThread());
    lifecycle.onShutdown(ENDING_GRACE, this::deleteAsLastResort);
    boolean running = false;
    CommandFailure failure = null;
    try {
      create(nodes, filter, parameters);
      running = awaitRunning();
      if (!running) {
        reportRunsNowhere();
      }
    } catch (InterruptedException | InterruptException stopRequested) {
      progress.accept("stopping");
    } catch (CommandFailure e) {
      failure = e;
    } finally {
      boolean stopRequested = lifecycle.beginEnding();
      group.seal();
      running = running && !stopRequested;
      if (!running) {
        end(false);
      }
      lifecycle.ended();
      out.flush();
      err.flush();
      if (failure != null && !stopRequested) {
        throw failure;
      }
    }
    return running ? 0 : 1;
  }

  /**
   * The second half of an advisor's run ({@code advise ... stop}): generates the results of the
   * Traces an earlier {@link #start} left running, prints them, stops the gadget and deletes the
   * Traces.
   *
   * @param nodeByTraceName the group's Traces, by name, with their node
   * @return the exit status: 0 when the Traces are gone, else 1
   */
  int finish(Map<String, String> nodeByTraceName) {
    nodeByTrace.putAll(nodeByTraceName);
    lifecycle = new RunLifecycle(Thread.currentThread());
    lifecycle.onShutdown(ENDING_GRACE, this::deleteAsLastResort);
    lifecycle.beginEnding();
    try {
      end(true);
    } finally {
      lifecycle.ended();
      out.flush();
      err.flush();
    }
    return failed ? 1 : 0;
  }

  private void reportRunsNowhere() {
    failed = true;
    err.printf(
        "kubectl-gadget: %s %s runs on no node%n",
        gadget.category().folderName(), gadget.command());
  }

  /**
   * Creates the Traces, {@value #PARALLEL_CREATES} at a time: one after another, 500 nodes took
   * seconds before the last node was even asked (docs/scale.md).
   */
  private void create(List<String> nodes, TraceFilter filter, Map<String, String> parameters)
      throws InterruptedException {
    List<TraceSpec> specs = new ArrayList<>();
    for (String node : nodes) {
      TraceSpec spec = new TraceSpec();
      spec.setNode(node);
      spec.setGadget(gadget.name());
      spec.setRunMode(RunMode.MANUAL);
      spec.setFilter(filter == null || filter.isEmpty() ? null : filter);
      spec.setOutputMode(plan.outputMode());
      spec.setParameters(parameters);
      // The controller would refuse such a Trace into its status: say why here, and create none.
      TraceValidation.validate(spec)
          .ifPresent(
              violation -> {
                throw new CommandFailure(violation.message());
              });
      specs.add(spec);
    }
    List<Future<Trace>> creating = new ArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(PARALLEL_CREATES, Math.max(1, nodes.size())),
            Thread.ofVirtual().name("create-trace-", 0).factory());
    try {
      // Set first: a create cut short may still have happened, and only deleting finds out.
      createAttempted = true;
      for (TraceSpec spec : specs) {
        creating.add(pool.submit(() -> group.create(spec, plan.firstOperation())));
      }
      Set<String> uids = new HashSet<>();
      for (int i = 0; i < nodes.size(); i++) {
        Trace trace;
        try {
          trace = created(creating.get(i));
        } catch (RuntimeException | InterruptedException e) {
          createIncomplete = true;
          throw e;
        }
        if (trace == null) {
          createIncomplete = true;
          continue;
        }
        nodeByTrace.put(trace.getMetadata().getName(), nodes.get(i));
        uids.add(trace.getMetadata().getUid());
        progress.accept(
            "created Trace %s/%s for node %s"
                .formatted(group.namespace(), trace.getMetadata().getName(), nodes.get(i)));
      }
      // Nothing was polled yet, so every event of these Traces is still ahead of the reader.
      if (events != null) {
        events.follow(uids);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The Trace a creation made, null once the group was sealed; its failure as it was thrown. */
  private static Trace created(Future<Trace> creation) throws InterruptedException {
    try {
      return creation.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Waits until a node runs the gadget or every node answered, and reports the nodes that failed; a
   * gadget that runs once (collect) waits for every node.
   *
   * @return whether any node runs (or ran) the gadget
   */
  private boolean awaitRunning() throws InterruptedException {
    Map<String, Trace> traces =
        board.awaitUntil(
            seen -> (plan.runsUntilStopped() && anyRunning(seen)) || allDecided(seen),
            Instant.now().plus(START_TIMEOUT));
    reportNews(traces);
    boolean anyRunning = anyRunning(traces);
    if (!anyRunning || !plan.runsUntilStopped()) {
      reportSilent(traces);
    }
    return anyRunning;
  }

  private void runFor(Duration duration) throws InterruptedException {
    Instant end = duration.isZero() ? Instant.MAX : Instant.now().plus(duration);
    if (events == null) {
      // Nothing is printed until the end, so say that it runs and what ends it.
      err.printf(
          "kubectl-gadget: %s %s runs on %s; %s stops it and prints the results%n",
          gadget.category().folderName(),
          gadget.command(),
          String.join(", ", runningNodes(board.snapshot())),
          duration.isZero() ? "Ctrl-C" : "--timeout " + duration.toSeconds() + "s or Ctrl-C");
      err.flush();
      board.awaitUntil(seen -> false, end);
      return;
    }
    Instant silenceDeadline = Instant.now().plus(START_TIMEOUT);
    printer.header();
    out.flush();
    while (Instant.now().isBefore(end)) {
      Duration left = Duration.between(Instant.now(), end);
      printEvents(left.compareTo(POLL_INTERVAL) < 0 ? left : POLL_INTERVAL);
      if (out.checkError()) {
        progress.accept("stdout is closed");
        return;
      }
      Map<String, Trace> traces = board.snapshot();
      reportNews(traces);
      if (Instant.now().isAfter(silenceDeadline)) {
        reportSilent(traces);
      }
      if (traces.isEmpty()) {
        err.println("kubectl-gadget: the Traces of this run were deleted by someone else");
        failed = true;
        return;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  private void printEvents(Duration timeout) {
    for (String event : events.poll(timeout)) {
      printer.event(event);
    }
    out.flush();
  }

  /**
   * Stops what runs, prints the results (unless the run was cut short before it began), deletes the
   * Traces and waits until they are gone.
   */
  private void end(boolean withResults) {
    Map<String, Trace> traces = board.snapshot();
    List<String> running =
        nodeByTrace.keySet().stream().filter(name -> isRunning(traces.get(name))).toList();
    Map<String, Trace> last = traces;
    if (withResults && plan.generatesBeforeStop() && !running.isEmpty()) {
      last = generate(running);
      printResults(last, plan.runningState());
    }
    if (plan.runsUntilStopped() && !running.isEmpty()) {
      last = stop(running);
    }
    if (withResults && plan.reportsInStatus() && !plan.generatesBeforeStop()) {
      printResults(last, plan.runsUntilStopped() ? plan.stoppedState() : plan.runningState());
    }
    delete();
  }

  /** Prints each node's {@code status.output} from its Trace in state {@code done}. */
  private void printResults(Map<String, Trace> traces, TraceState done) {
    for (Map.Entry<String, String> created : nodeByTrace.entrySet()) {
      TraceStatus status = status(traces.get(created.getKey()));
      if (status != null && status.getState() == done && hasOutput(status)) {
        printer.result(created.getValue(), status.getOutput());
      }
    }
    out.flush();
  }

  /**
   * Asks the running Traces to generate their results and waits until each has an output or an
   * error. Starting cleared the output, so an output seen now is the answer to this request.
   */
  private Map<String, Trace> generate(List<String> running) {
    List<String> asked = askAll(running, Operation.GENERATE);
    Map<String, Trace> traces = board.snapshot();
    try {
      traces =
          board.awaitUntil(
              seen -> asked.stream().allMatch(name -> isGenerated(seen.get(name))),
              Instant.now().plus(START_TIMEOUT));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reportNews(traces);
    for (String name : asked) {
      if (!isGenerated(traces.get(name))) {
        err.printf(
            "kubectl-gadget: node %s: Trace %s/%s generated nothing within %ds%n",
            nodeByTrace.get(name), group.namespace(), name, START_TIMEOUT.toSeconds());
      }
    }
    return traces;
  }

  /**
   * Asks every Trace named, {@value #PARALLEL_CREATES} at a time: one after another, a stop of 200
   * nodes on a busy API server outlasted the run's ending grace (docs/scale.md).
   */
  private List<String> askAll(List<String> names, Operation operation) {
    Map<String, KubernetesClientException> refused =
        forEachTrace(names, "ask", name -> group.ask(name, operation));
    refused.forEach(
        (name, refusal) -> {
          failed = true;
          err.printf(
              "kubectl-gadget: cannot ask Trace %s/%s to %s: %s%n",
              group.namespace(),
              name,
              operation.annotationValue(),
              KubernetesErrors.reason(refusal));
        });
    return names.stream().filter(name -> !refused.containsKey(name)).toList();
  }

  /**
   * Calls {@code request} for every Trace named, {@value #PARALLEL_CREATES} at a time; each one
   * that succeeds is progress of the ending (the shutdown hook waits on).
   *
   * @param verb names the threads
   * @return the refusals by Trace name, in the order named
   */
  private Map<String, KubernetesClientException> forEachTrace(
      List<String> names, String verb, Consumer<String> request) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(PARALLEL_CREATES, Math.max(1, names.size())),
            Thread.ofVirtual().name(verb + "-trace-", 0).factory());
    List<CompletableFuture<KubernetesClientException>> requests = new ArrayList<>();
    for (String name : names) {
      requests.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  request.accept(name);
                  // Asking 2,000 stops 16 at a time on a busy API server outlasted the grace.
                  lifecycle.progressed();
                  return null;
                } catch (KubernetesClientException e) {
                  return e;
                }
              },
              pool));
    }
    pool.shutdown();
    Map<String, KubernetesClientException> refused = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      // join, not get: a request after Ctrl-C runs with the thread's interrupt set.
      KubernetesClientException refusal = requests.get(i).join();
      if (refusal != null) {
        refused.put(names.get(i), refusal);
      }
    }
    return refused;
  }

  private Map<String, Trace> stop(List<String> running) {
    List<String> asked = askAll(running, Operation.STOP);
    Instant deadline = Instant.now().plus(STOP_TIMEOUT);
    long stopped = countStopped(asked, board.snapshot());
    Map<String, Trace> traces = board.snapshot();
    try {
      while (stopped < asked.size() && Instant.now().isBefore(deadline)) {
        if (events == null) {
          long before = stopped;
          traces = board.awaitUntil(seen -> countStopped(asked, seen) > before, deadline);
        } else {
          // Events sent before a node stopped are still arriving; they belong to the output.
          printEvents(POLL_INTERVAL);
          traces = board.snapshot();
        }
        long now = countStopped(asked, traces);
        if (now > stopped) {
          // Stopping goes on: wait for the rest as long again.
          stopped = now;
          deadline = Instant.now().plus(STOP_TIMEOUT);
          lifecycle.progressed();
        }
      }
      if (events != null) {
        // A node answers the stop once Kafka has the trace's last events: all are in Kafka by now.
        events.pollToCurrentEnd(LAST_EVENTS_TIMEOUT).forEach(printer::event);
        out.flush();
      }
    } catch (InterruptedException | InterruptException e) {
      Thread.currentThread().interrupt();
    } catch (KafkaException e) {
      // Kafka did not say where its partitions end: the Traces stop and go all the same.
      err.printf(
          "kubectl-gadget: cannot read the stopped Traces' last events: %s%n", e.getMessage());
    }
    reportNews(traces);
    return traces;
  }

  private void delete() {
    if (!createAttempted && nodeByTrace.isEmpty()) {
      return;
    }
    try {
      // One request per Trace, some at once: the API server deletes a collection one object
      // after another, and 200 of them outlasted the request's timeout on a busy one
      // (docs/scale.md). The label then finds any whose creation was cut short.
      Map<String, KubernetesClientException> refused =
          forEachTrace(List.copyOf(nodeByTrace.keySet()), "delete", group::delete);
      if (!refused.isEmpty()) {
        throw refused.values().iterator().next();
      }
      lifecycle.progressed();
      if (createIncomplete || nodeByTrace.isEmpty()) {
        group.deleteAll();
      }
      Map<String, Trace> left =
          board.awaitUntil(Map::isEmpty, Instant.now().plus(DELETION_TIMEOUT));
      if (!left.isEmpty()) {
        err.printf(
            "kubectl-gadget: Traces %s are still being deleted; the controller removes them once their node answers or its deletion timeout passes%n",
            String.join(", ", left.keySet()));
      }
      progress.accept(
          "deleted the Traces with %s=%s".formatted(TraceGroup.TRACE_ID_LABEL, group.traceId()));
    } catch (KubernetesClientException e) {
      failed = true;
      err.printf(
          "kubectl-gadget: cannot delete the Traces labelled %s=%s in namespace %s: %s; the next kubectl gadget run on this machine deletes them%n",
          TraceGroup.TRACE_ID_LABEL,
          group.traceId(),
          group.namespace(),
          KubernetesErrors.reason(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The shutdown hook's own deletion when the run did not end itself in time. */
  private void deleteAsLastResort() {
    group.seal();
    try {
      group.deleteAll();
    } catch (KubernetesClientException e) {
      err.printf(
          "kubectl-gadget: cannot delete the Traces labelled %s=%s: %s%n",
          TraceGroup.TRACE_ID_LABEL, group.traceId(), KubernetesErrors.reason(e));
      err.flush();
    }
  }

  /** Prints each node's new error or warning once. */
  private void reportNews(Map<String, Trace> traces) {
    for (Map.Entry<String, String> created : nodeByTrace.entrySet()) {
      TraceStatus status = status(traces.get(created.getKey()));
      if (status == null) {
        continue;
      }
      String news =
          status.getOperationError() != null
              ? status.getOperationError()
              : status.getOperationWarning() != null
                  ? "warning: " + status.getOperationWarning()
                  : null;
      if (news != null && !Objects.equals(reported.put(created.getKey(), news), news)) {
        err.printf("kubectl-gadget: node %s: %s%n", created.getValue(), news);
      }
    }
    err.flush();
  }

  /** Reports, once, each node whose Trace got no answer at all. */
  private void reportSilent(Map<String, Trace> traces) {
    for (Map.Entry<String, String> created : nodeByTrace.entrySet()) {
      String name = created.getKey();
      if (!isDecided(traces.get(name)) && reported.putIfAbsent(name, "no answer") == null) {
        err.printf(
            "kubectl-gadget: node %s: Trace %s/%s got no answer within %ds: is the GadgetFlow controller running?%n",
            created.getValue(), group.namespace(), name, START_TIMEOUT.toSeconds());
      }
    }
    err.flush();
  }

  private List<String> runningNodes(Map<String, Trace> traces) {
    return nodeByTrace.entrySet().stream()
        .filter(created -> isRunning(traces.get(created.getKey())))
        .map(Map.Entry::getValue)
        .toList();
  }

  private boolean anyRunning(Map<String, Trace> traces) {
    return nodeByTrace.keySet().stream().anyMatch(name -> isRunning(traces.get(name)));
  }

  private boolean allDecided(Map<String, Trace> traces) {
    return nodeByTrace.keySet().stream().allMatch(name -> isDecided(traces.get(name)));
  }

  private long countStopped(List<String> names, Map<String, Trace> traces) {
    return names.stream().filter(name -> isStopped(traces.get(name))).count();
  }

  private boolean isRunning(Trace trace) {
    TraceStatus status = status(trace);
    return status != null
        && status.getState() == plan.runningState()
        && status.getOperationError() == null;
  }

  private boolean isDecided(Trace trace) {
    TraceStatus status = status(trace);
    return isRunning(trace) || (status != null && status.getOperationError() != null);
  }

  private boolean isStopped(Trace trace) {
    TraceStatus status = status(trace);
    return status == null
        || status.getState() == plan.stoppedState()
        || status.getOperationError() != null;
  }

  private static boolean isGenerated(Trace trace) {
    TraceStatus status = status(trace);
    return status != null && (hasOutput(status) || status.getOperationError() != null);
  }

  private static boolean hasOutput(TraceStatus status) {
    return status.getOutput() != null && !status.getOutput().isBlank();
  }

  private static TraceStatus status(Trace trace) {
    return trace == null ? null : trace.getStatus();
  }
}
