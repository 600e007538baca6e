package io.gadgetflow.node.trace;

import io.gadgetflow.api.gadget.GadgetCategory;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.node.catalog.GadgetPrograms;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.StatusOutput;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each operation does on this node: start and stop a trace's gadget, generate its result,
 * collect a snapshot, forget a deleted trace; a trace's running gadget is kept in its {@link
 * SessionSlot}. Used from the agent's event loop only, one operation of a trace at a time ({@link
 * TraceSupervisor} orders them); loading and unloading BPF programs blocks, so it runs on the
 * worker pool.
 */
final class TraceOperations {
  private static final StatusOutput.Result NO_RESULT = new StatusOutput.Result(null, null);

  /**
   * How long a stop's answer waits for Kafka to take the trace's last events: well within the
   * controller's operation timeout (10 s), so that a slow broker delays the answer, never loses it.
   */
  static final Duration LAST_EVENTS_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(TraceOperations.class);

  private final TraceSettings settings;
  private final WorkerExecutor workers;
  private final ContainerRegistry containers;
  private final NodeMetrics metrics;
  private final SharedGadgets gadgets;
  private final NodeNames names;

  TraceOperations(
      TraceSettings settings,
      GadgetLoader loader,
      WorkerExecutor workers,
      EventSink sink,
      ContainerRegistry containers,
      NodeMetrics metrics) {
    this.settings = settings;
    this.workers = workers;
    this.containers = containers;
    this.metrics = metrics;
    this.gadgets = new SharedGadgets(settings, loader, workers, sink, containers);
    this.names = new NodeNames(settings.nodeName(), containers);
  }

  Future<Answer> start(SessionSlot slot, ControlRecord record) {
    return start(slot, record, false);
  }

  /**
   * Starts again a trace that ran before the agent restarted; its events begin with a warning about
   * the time no agent ran it. When the trace's last operation is a generate, the agent cannot tell
   * whether the one before it ran it: the answer says that no output was generated and that the
   * gadget records from now on (a generate the killed agent answered is not taken again by the
   * controller, as for a stop). Generating from the gadget just started would write an output of
   * almost nothing, as though it were what the Trace asked for.
   */
  Future<Answer> resume(SessionSlot slot, ControlRecord record) {
    Future<Answer> started = start(slot, record, true);
    if (record.operation() != Operation.GENERATE) {
      return started;
    }
    return started.map(
        answer ->
            answer.state() == TraceState.STARTED
                ? answer.withWarning(
                    "The node agent of node \"%s\" restarted before it ran \"generate\": no output was generated; the gadget records again from now on, annotate generate again"
                        .formatted(settings.nodeName()))
                : answer);
  }

  private Future<Answer> start(SessionSlot slot, ControlRecord record, boolean resumed) {
    if (slot.session != null) {
      return Future.succeededFuture(Answer.started(slot.session.counters()));
    }
    Optional<GadgetProgram> program = GadgetPrograms.find(record.gadget());
    Optional<String> refusal = refusal(record, program);
    if (refusal.isPresent()) {
      return Future.succeededFuture(Answer.failed(refusal.get()));
    }
    String warning =
        !record.filter().isEmpty() && !containers.synced()
            ? "The pods of node \"%s\" are not known yet: containers join the filter as they become known"
                .formatted(settings.nodeName())
            : null;
    return gadgets
        .join(
            record,
            program.get(),
            () ->
                record.outputMode() == OutputMode.FILE
                    ? Optional.of(
                        FileOutputPath.check(record.output(), settings.fileOutputDirectory()))
                    : Optional.empty(),
            resumed)
        .transform(
            started -> {
              if (started.failed()) {
                LOG.warn(
                    "{}",
                    TraceLog.about("gadget-failed", record)
                        .field("error", started.cause().getMessage()));
                return Future.succeededFuture(
                    Answer.failed(
                        started.cause() instanceof FileOutputPath.Refused refused
                            ? refused.getMessage()
                            : "Failed to start gadget \"%s\": %s"
                                .formatted(record.gadget(), started.cause().getMessage())));
              }
              slot.session = started.result();
              metrics.started(record, slot.session);
              LOG.info("{}", TraceLog.about("gadget-started", record));
              return Future.succeededFuture(
                  Answer.started(EventCounters.NONE).withWarning(warning));
            });
  }

  Future<Answer> stop(SessionSlot slot, ControlRecord record) {
    TraceSession session = slot.session;
    if (session == null) {
      return Future.succeededFuture(Answer.failed("Not started"));
    }
    if (isProfile(record)) {
      // A profile's report is what the kernel gathered up to the stop: read it, then unload.
      return workers
          .executeBlocking(() -> session.readResult().orElse(NO_RESULT), false)
          .transform(
              report ->
                  end(slot, record)
                      .map(
                          counters ->
                              report.succeeded()
                                  ? Answer.completed(report.result().output(), counters)
                                      .withWarning(report.result().warning())
                                  : Answer.stopped(counters)
                                      .withError(
                                          failure("read the report of", record, report.cause()))));
    }
    return end(slot, record).map(Answer::stopped);
  }

  /**
   * The answer to a stop that a restarted agent reads as the trace's state: published while no
   * agent ran on this node, it was never answered. The gadget stopped with the agent that ran it; a
   * profile's report, gathered until then, was lost with it.
   */
  Answer stoppedWhileAway(ControlRecord record) {
    return isProfile(record)
        ? Answer.completed(null, EventCounters.NONE)
            .withWarning(
                "The node agent of node \"%s\" restarted while the gadget ran: its report was lost"
                    .formatted(settings.nodeName()))
        : Answer.stopped(EventCounters.NONE);
  }

  private static boolean isProfile(ControlRecord record) {
    return GadgetPrograms.find(record.gadget())
        .map(program -> program.descriptor().category() == GadgetCategory.PROFILE)
        .orElse(false);
  }

  /** Writes a running gadget's result (e.g. a seccomp profile); the state stays as it is. */
  Future<Answer> generate(SessionSlot slot, ControlRecord record) {
    TraceSession session = slot.session;
    if (session == null) {
      return Future.succeededFuture(Answer.failed("Not started"));
    }
    return workers
        .executeBlocking(() -> session.readResult().orElse(NO_RESULT), false)
        .transform(
            generated ->
                Future.succeededFuture(
                    generated.succeeded()
                        ? Answer.generated(generated.result().output(), session.counters())
                            .withWarning(generated.result().warning())
                        : Answer.failed(
                            failure("generate the output of", record, generated.cause()),
                            session.counters())));
  }

  /** Runs a snapshot gadget once: load, read, unload. */
  Future<Answer> collect(ControlRecord record) {
    Optional<GadgetProgram> found =
        GadgetPrograms.find(record.gadget()).filter(program -> program.result().isPresent());
    Optional<String> refusal = refusal(record, found);
    if (refusal.isPresent()) {
      return Future.succeededFuture(Answer.failed(refusal.get()));
    }
    GadgetProgram program = found.get();
    GadgetOptions options =
        containers.gadgetOptions(record.filter()).withRingBufferBytes(settings.ringBufferBytes());
    return workers
        .executeBlocking(
            () -> {
              try (RunningGadget gadget =
                  RunningGadget.start(
                      program,
                      options,
                      new GadgetParameters(program.descriptor(), record.parameters()))) {
                return program.result().orElseThrow().read(gadget, names);
              }
            },
            false)
        .transform(
            collected ->
                Future.succeededFuture(
                    collected.failed()
                        ? Answer.failed(failure("collect with", record, collected.cause()))
                        : Answer.completed(collected.result().output(), EventCounters.NONE)
                            .withWarning(
                                SnapshotWarning.of(options, collected.result().output())
                                    .orElse(collected.result().warning()))));
  }

  Future<Answer> delete(SessionSlot slot, ControlRecord record) {
    return end(slot, record).map(Answer::deleted);
  }

  /**
   * Stops the trace's gadget if it runs, e.g. when the trace is gone or the agent stops; completes
   * with its last counters.
   *
   * @param record the trace's last control record
   */
  Future<EventCounters> end(SessionSlot slot, ControlRecord record) {
    return end(slot, record, session -> lastEventsAnswered(session, record));
  }

  /**
   * Stops the trace's gadget if it runs, without waiting for Kafka to answer its last events: for
   * the agent's stop, whose event sink waits for them after, bounded, and counts what it could not
   * send.
   */
  Future<Void> endAtAgentStop(SessionSlot slot, ControlRecord record) {
    return end(slot, record, session -> Future.succeededFuture()).mapEmpty();
  }

  private Future<EventCounters> end(
      SessionSlot slot, ControlRecord record, Function<TraceSession, Future<Void>> lastEvents) {
    TraceSession session = slot.session;
    if (session == null) {
      return Future.succeededFuture(EventCounters.NONE);
    }
    slot.session = null;
    return gadgets
        .leave(session)
        .compose(left -> lastEvents.apply(session))
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

  /**
   * Waits until Kafka answered the trace's events still queued or in flight when it stopped, at
   * most {@link #LAST_EVENTS_TIMEOUT}: the answer then has the final counters, and a reader that
   * sees the trace stopped finds all its events in Kafka (kubectl gadget read on for only a moment
   * after Stopped and missed the last events of busy nodes, docs/scale.md).
   */
  private Future<Void> lastEventsAnswered(TraceSession session, ControlRecord record) {
    return Future.fromCompletionStage(session.lastEventsAnswered(), Vertx.currentContext())
        .timeout(LAST_EVENTS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .recover(
            timedOut -> {
              LOG.warn(
                  "{}",
                  TraceLog.about("last-events-unanswered", record)
                      .field("waitedSeconds", LAST_EVENTS_TIMEOUT.toSeconds()));
              return Future.succeededFuture();
            });
  }

  /** Completes once the gadgets being unloaded now are. */
  Future<Void> unloaded() {
    return gadgets.unloaded();
  }

  /**
   * Why this node cannot run {@code record}'s gadget: it does not have it, or the trace has a
   * filter and the agent does not know its node's pods, so the filter could select nothing.
   */
  private Optional<String> refusal(ControlRecord record, Optional<GadgetProgram> program) {
    if (program.isEmpty()) {
      return Optional.of(
          "Gadget \"%s\" is not available on node \"%s\""
              .formatted(record.gadget(), settings.nodeName()));
    }
    if (!record.filter().isEmpty() && !containers.followsPods()) {
      return Optional.of(
          "Container filters need access to the pods of node \"%s\", which its agent runs without"
              .formatted(settings.nodeName()));
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
}
