package io.gadgetflow.node.trace;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.control.ControlReader;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.kafka.StatusReporter;
import io.gadgetflow.node.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's share of the control topic in order: the operations of each trace one after
 * another ({@link TraceOperations} does each), each answered once on the status topic, and after a
 * restart the traces that should be running brought back. Used from the agent's event loop only.
 */
public final class TraceSupervisor implements ControlReader.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(TraceSupervisor.class);

  /** What this node knows of one trace. */
  private static final class Trace {
    final SessionSlot slot = new SessionSlot();
    ControlRecord desired;
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

  private final String nodeName;
  private final StatusReporter reporter;
  private final Clock clock;
  private final TraceOperations operations;
  private final Map<String, Trace> traces = new HashMap<>();
  private boolean caughtUp;

  public TraceSupervisor(
      TraceSettings settings,
      GadgetLoader loader,
      WorkerExecutor workers,
      EventSink sink,
      StatusReporter reporter,
      ContainerRegistry containers,
      Clock clock,
      NodeMetrics metrics) {
    this.nodeName = settings.nodeName();
    this.reporter = reporter;
    this.clock = clock;
    this.operations = new TraceOperations(settings, loader, workers, sink, containers, metrics);
  }

  @Override
  public void onRecord(String traceUid, ControlRecord record) {
    if (record == null || !nodeName.equals(record.node())) {
      Trace gone = traces.remove(traceUid);
      if (gone != null) {
        gone.then(() -> operations.end(gone.slot, gone.desired).mapEmpty());
      }
      return;
    }
    Trace trace = traces.computeIfAbsent(traceUid, uid -> new Trace());
    trace.desired = record;
    if (caughtUp) {
      trace.then(() -> apply(trace, record));
    }
  }

  /**
   * Every record that existed at start was read: resume the traces that should be running, and
   * answer the stops, which may have been published while no agent ran here (the agent before this
   * one answered those it read; the controller ignores an answer its Trace already shows). Each
   * answers its trace's last operation, as a resumed start does.
   */
  @Override
  public void onCaughtUp() {
    if (caughtUp) {
      return;
    }
    caughtUp = true;
    List<Trace> resumed = traces.values().stream().filter(t -> t.desired.running()).toList();
    List<Trace> stopped =
        traces.values().stream().filter(t -> t.desired.operation() == Operation.STOP).toList();
    LOG.info(
        "Node {}: control topic read, {} traces known, resuming {}, answering {} stops",
        nodeName,
        traces.size(),
        resumed.size(),
        stopped.size());
    resumed.forEach(trace -> trace.then(() -> resume(trace)));
    stopped.forEach(
        trace ->
            trace.then(
                () -> answer(trace, trace.desired, operations.stoppedWhileAway(trace.desired))));
  }

  /** Reports the counters of running gadgets that changed since their last report. */
  public void reportCounters() {
    for (Trace trace : traces.values()) {
      if (trace.slot.session == null || trace.busy() || trace.lastAnswer == null) {
        continue;
      }
      EventCounters counters = trace.slot.session.counters();
      if (!counters.equals(trace.lastAnswer.counters())) {
        trace.lastAnswer = trace.lastAnswer.withNewerCounters(counters, clock.instant());
        reporter.report(trace.lastAnswer);
      }
    }
  }

  /**
   * How long the agent's stop lets an operation still running finish before it ends the trace's
   * gadget anyway: an operation's last step, its answer, waits for Kafka (up to a minute while a
   * broker is away), and the agent's whole stop must end within its pod's grace period (30 s).
   */
  static final Duration PENDING_WORK_AT_STOP = Duration.ofSeconds(3);

  /**
   * Stops every gadget of this node, e.g. when the agent shuts down, each once the operation it may
   * be running ended, or {@link #PENDING_WORK_AT_STOP} passed. Unlike a STOP operation, it does not
   * wait for Kafka to answer the traces' last events: no answer carries their counters, and the
   * event sink's close waits for them, bounded, after. The traces that should run on (their Trace
   * was not stopped) say in a last warning event that nothing is traced from now on until an agent
   * runs them again, as the restarted agent's first event does when it does.
   */
  public Future<Void> stopAll() {
    List<Future<Void>> stops = new ArrayList<>();
    List<TraceSession> farewells = new ArrayList<>();
    long epochNanos = clock.millis() * 1_000_000;
    for (Trace trace : traces.values()) {
      TraceSession session = trace.slot.session;
      if (session != null && trace.desired.running()) {
        session.sayFarewell(nodeName, epochNanos);
        farewells.add(session);
      }
      stops.add(
          trace
              .work
              .timeout(PENDING_WORK_AT_STOP.toMillis(), TimeUnit.MILLISECONDS)
              .transform(pending -> operations.endAtAgentStop(trace.slot, trace.desired)));
    }
    traces.clear();
    return Future.join(stops)
        .eventually(operations::unloaded)
        // Every gadget's reader has ended: no last event can race with the warnings.
        .eventually(
            () -> {
              farewells.forEach(TraceSession::sendFarewell);
              return Future.succeededFuture();
            })
        .mapEmpty();
  }

  private Future<Void> apply(Trace trace, ControlRecord record) {
    if (trace.lastAnswer != null && record.operationId().equals(trace.lastAnswer.operationId())) {
      // A republished or re-read operation: answer it again, do not run it again.
      return reporter.report(trace.lastAnswer.asAnswer());
    }
    LOG.info(
        "{}",
        TraceLog.about("operation-received", record)
            .field("operation", record.operation().annotationValue())
            .field("operationId", record.operationId()));
    Future<Answer> done =
        switch (record.operation()) {
          case START -> operations.start(trace.slot, record);
          case STOP -> operations.stop(trace.slot, record);
          case DELETE -> operations.delete(trace.slot, record);
          case GENERATE -> operations.generate(trace.slot, record);
          case COLLECT -> operations.collect(record);
        };
    return done.compose(answer -> answer(trace, record, answer));
  }

  /** Starts again a trace that ran before the agent restarted. */
  private Future<Void> resume(Trace trace) {
    ControlRecord record = trace.desired;
    return operations.resume(trace.slot, record).compose(answer -> answer(trace, record, answer));
  }

  private Future<Void> answer(Trace trace, ControlRecord record, Answer answer) {
    trace.lastAnswer = OutputLimit.fit(answer).report(nodeName, record, clock.instant());
    return reporter.report(trace.lastAnswer);
  }
}
