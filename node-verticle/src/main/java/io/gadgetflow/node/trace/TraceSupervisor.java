package io.gadgetflow.node.trace;

import io.gadgetflow.api.gadget.GadgetCategory;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.control.ControlReader;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.GadgetPrograms;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.kafka.StatusReporter;
import io.gadgetflow.node.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's share of the control topic: starts and stops gadgets per trace, answers each
 * operation once on the status topic, and after a restart brings back the traces that should be
 * running. Used from the agent's event loop only; loading and unloading BPF programs blocks, so it
 * runs on a worker pool, one operation of a trace after another.
 */
public final class TraceSupervisor implements ControlReader.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(TraceSupervisor.class);

  /** What this node knows of one trace. */
  private static final class Trace {
    ControlRecord desired;
    TraceSession session;
    NodeReport lastAnswer;
    Future<Void> work = Future.succeededFuture();

    void then(Callable<Future<Void>> step) {
      work =
          work.transform(
              previous -> {
                try {
                  return step.call();
                } catch (Exception e) {
                  return Future.failedFuture(e);
                }
              });
    }

    boolean busy() {
      return !work.isComplete();
    }
  }

  private final NodeConfig config;
  private final WorkerExecutor workers;
  private final StatusReporter reporter;
  private final Clock clock;
  private final ContainerRegistry containers;
  private final NodeMetrics metrics;
  private final SharedGadgets gadgets;
  private final Map<String, Trace> traces = new HashMap<>();
  private boolean caughtUp;

  public TraceSupervisor(
      NodeConfig config,
      GadgetLoader loader,
      WorkerExecutor workers,
      EventSink sink,
      StatusReporter reporter,
      ContainerRegistry containers,
      Clock clock,
      NodeMetrics metrics) {
    this.config = config;
    this.containers = containers;
    this.metrics = metrics;
    this.workers = workers;
    this.reporter = reporter;
    this.clock = clock;
    this.gadgets = new SharedGadgets(config, loader, workers, sink, containers);
  }

  @Override
  public void onRecord(String traceUid, ControlRecord record) {
    if (record == null || !config.nodeName().equals(record.node())) {
      Trace gone = traces.remove(traceUid);
      if (gone != null) {
        gone.then(() -> stopSession(gone).mapEmpty());
      }
      return;
    }
    Trace trace = traces.computeIfAbsent(traceUid, uid -> new Trace());
    trace.desired = record;
    if (caughtUp) {
      trace.then(() -> apply(trace, record));
    }
  }

  /** Every record that existed at start was read: resume the traces that should be running. */
  @Override
  public void onCaughtUp() {
    if (caughtUp) {
      return;
    }
    caughtUp = true;
    List<Trace> resumed = traces.values().stream().filter(t -> t.desired.running()).toList();
    LOG.info(
        "Node {}: control topic read, {} traces known, resuming {}",
        config.nodeName(),
        traces.size(),
        resumed.size());
    resumed.forEach(trace -> trace.then(() -> start(trace, trace.desired)));
  }

  /** Reports the counters of running gadgets that changed since their last report. */
  public void reportCounters() {
    for (Trace trace : traces.values()) {
      if (trace.session == null || trace.busy() || trace.lastAnswer == null) {
        continue;
      }
      EventCounters counters = trace.session.counters();
      if (!counters.equals(trace.lastAnswer.counters())) {
        NodeReport last = trace.lastAnswer;
        trace.lastAnswer =
            new NodeReport(
                last.node(),
                last.traceUid(),
                last.operationId(),
                last.state(),
                last.output(),
                last.operationError(),
                last.operationWarning(),
                counters,
                clock.instant());
        reporter.report(trace.lastAnswer);
      }
    }
  }

  /** Stops every gadget of this node, e.g. when the agent shuts down. */
  public Future<Void> stopAll() {
    List<Future<Void>> stops = new ArrayList<>();
    for (Trace trace : traces.values()) {
      trace.then(() -> stopSession(trace).mapEmpty());
      stops.add(trace.work);
    }
    traces.clear();
    return Future.join(stops).eventually(gadgets::unloaded).mapEmpty();
  }

  private Future<Void> apply(Trace trace, ControlRecord record) {
    if (trace.lastAnswer != null && record.operationId().equals(trace.lastAnswer.operationId())) {
      // A republished or re-read operation: answer it again, do not run it again.
      return reporter.report(trace.lastAnswer);
    }
    LOG.info(
        "{}",
        TraceLog.about("operation-received", record)
            .field("operation", record.operation().annotationValue())
            .field("operationId", record.operationId()));
    return switch (record.operation()) {
      case START -> start(trace, record);
      case STOP -> stop(trace, record);
      case DELETE -> delete(trace, record);
      case GENERATE -> generate(trace, record);
      case COLLECT -> collect(trace, record);
    };
  }

  private Future<Void> start(Trace trace, ControlRecord record) {
    if (trace.session != null) {
      return answer(trace, record, TraceState.STARTED, null, null, trace.session.counters());
    }
    Optional<GadgetProgram> program = GadgetPrograms.find(record.gadget());
    Optional<String> refusal = refusal(record, program);
    if (refusal.isPresent()) {
      return answer(trace, record, null, refusal.get(), null, EventCounters.NONE);
    }
    String warning =
        !record.filter().isEmpty() && !containers.synced()
            ? "The pods of node \"%s\" are not known yet: containers join the filter as they become known"
                .formatted(config.nodeName())
            : null;
    return gadgets
        .join(
            record,
            program.get(),
            () ->
                record.outputMode() == OutputMode.FILE
                    ? Optional.of(
                        FileOutputPath.check(record.output(), config.fileOutputDirectory()))
                    : Optional.empty())
        .transform(
            started -> {
              if (started.failed()) {
                LOG.warn(
                    "{}",
                    TraceLog.about("gadget-failed", record)
                        .field("error", started.cause().getMessage()));
                return answer(
                    trace,
                    record,
                    null,
                    started.cause() instanceof FileOutputPath.Refused refused
                        ? refused.getMessage()
                        : "Failed to start gadget \"%s\": %s"
                            .formatted(record.gadget(), started.cause().getMessage()),
                    null,
                    EventCounters.NONE);
              }
              trace.session = started.result();
              metrics.started(record, trace.session);
              LOG.info("{}", TraceLog.about("gadget-started", record));
              return answer(trace, record, TraceState.STARTED, null, warning, EventCounters.NONE);
            });
  }

  private Future<Void> stop(Trace trace, ControlRecord record) {
    if (trace.session == null) {
      return answer(trace, record, null, "Not started", null, EventCounters.NONE);
    }
    if (GadgetPrograms.find(record.gadget())
        .map(program -> program.descriptor().category() == GadgetCategory.PROFILE)
        .orElse(false)) {
      // A profile's report is what the kernel gathered up to the stop: read it, then unload.
      TraceSession session = trace.session;
      return workers
          .executeBlocking(() -> session.readResult().orElse(null), false)
          .transform(
              report ->
                  stopSession(trace)
                      .compose(
                          counters ->
                              report.succeeded()
                                  ? answer(
                                      trace,
                                      record,
                                      TraceState.COMPLETED,
                                      report.result(),
                                      null,
                                      null,
                                      counters)
                                  : answer(
                                      trace,
                                      record,
                                      TraceState.STOPPED,
                                      null,
                                      failure("read the report of", record, report.cause()),
                                      null,
                                      counters)));
    }
    return stopSession(trace)
        .compose(counters -> answer(trace, record, TraceState.STOPPED, null, null, counters));
  }

  /** Writes a running gadget's result (e.g. a seccomp profile); the state stays as it is. */
  private Future<Void> generate(Trace trace, ControlRecord record) {
    if (trace.session == null) {
      return answer(trace, record, null, "Not started", null, EventCounters.NONE);
    }
    TraceSession session = trace.session;
    return workers
        .executeBlocking(() -> session.readResult().orElse(null), false)
        .transform(
            generated ->
                generated.succeeded()
                    ? answer(
                        trace, record, null, generated.result(), null, null, session.counters())
                    : answer(
                        trace,
                        record,
                        null,
                        failure("generate the output of", record, generated.cause()),
                        null,
                        session.counters()));
  }

  /** Runs a snapshot gadget once: load, read, unload. */
  private Future<Void> collect(Trace trace, ControlRecord record) {
    Optional<GadgetProgram> found =
        GadgetPrograms.find(record.gadget()).filter(program -> program.result().isPresent());
    Optional<String> refusal = refusal(record, found);
    if (refusal.isPresent()) {
      return answer(trace, record, null, refusal.get(), null, EventCounters.NONE);
    }
    GadgetProgram program = found.get();
    GadgetOptions options =
        containers.gadgetOptions(record.filter()).withRingBufferBytes(config.ringBufferBytes());
    return workers
        .executeBlocking(
            () -> {
              try (RunningGadget gadget =
                  RunningGadget.start(
                      program,
                      options,
                      new GadgetParameters(program.descriptor(), record.parameters()))) {
                return program.result().orElseThrow().read(gadget);
              }
            },
            false)
        .transform(
            collected -> {
              if (collected.failed()) {
                return answer(
                    trace,
                    record,
                    null,
                    failure("collect with", record, collected.cause()),
                    null,
                    EventCounters.NONE);
              }
              return answer(
                  trace,
                  record,
                  TraceState.COMPLETED,
                  collected.result(),
                  null,
                  SnapshotWarning.of(options, collected.result()).orElse(null),
                  EventCounters.NONE);
            });
  }

  /**
   * Why this node cannot run {@code record}'s gadget: it does not have it, or the trace has a
   * filter and the agent does not know its node's pods, so the filter could select nothing.
   */
  private Optional<String> refusal(ControlRecord record, Optional<GadgetProgram> program) {
    if (program.isEmpty()) {
      return Optional.of(
          "Gadget \"%s\" is not available on node \"%s\""
              .formatted(record.gadget(), config.nodeName()));
    }
    if (!record.filter().isEmpty() && !containers.followsPods()) {
      return Optional.of(
          "Container filters need access to the pods of node \"%s\", which its agent runs without"
              .formatted(config.nodeName()));
    }
    return Optional.empty();
  }

  private String failure(String action, ControlRecord record, Throwable cause) {
    LOG.warn(
        "Trace {}/{}: could not {} gadget {}: {}",
        record.traceNamespace(),
        record.traceName(),
        action,
        record.gadget(),
        cause.toString());
    return "Failed to %s gadget \"%s\": %s".formatted(action, record.gadget(), cause.getMessage());
  }

  private Future<Void> delete(Trace trace, ControlRecord record) {
    return stopSession(trace)
        .compose(counters -> answer(trace, record, null, null, null, counters));
  }

  /** Stops the trace's gadget if it runs; completes with its last counters. */
  private Future<EventCounters> stopSession(Trace trace) {
    TraceSession session = trace.session;
    if (session == null) {
      return Future.succeededFuture(EventCounters.NONE);
    }
    trace.session = null;
    ControlRecord record = trace.desired;
    return gadgets
        .leave(session)
        .map(
            left -> {
              metrics.stopped(session);
              EventCounters counters = session.counters();
              LOG.info(
                  "{}",
                  TraceLog.about("gadget-stopped", record)
                      .field("events", counters.events())
                      .field("lostEvents", counters.lost()));
              return counters;
            });
  }

  private Future<Void> answer(
      Trace trace,
      ControlRecord record,
      TraceState state,
      String error,
      String warning,
      EventCounters counters) {
    return answer(trace, record, state, null, error, warning, counters);
  }

  private Future<Void> answer(
      Trace trace,
      ControlRecord record,
      TraceState state,
      String output,
      String error,
      String warning,
      EventCounters counters) {
    trace.lastAnswer =
        new NodeReport(
            config.nodeName(),
            record.traceUid(),
            record.operationId(),
            state,
            output,
            error,
            warning,
            counters,
            clock.instant());
    return reporter.report(trace.lastAnswer);
  }
}
