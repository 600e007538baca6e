package io.gadgetflow.controller.status;

import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.controller.kube.TakenOperation;
import io.gadgetflow.controller.kube.TraceCache;
import io.gadgetflow.controller.output.SeccompProfileWriter;
import io.gadgetflow.controller.status.PendingAnswers.Awaited;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what nodes report, and what they fail to report in time, into Trace status. A report for a
 * deletion's stop lets the deletion finish.
 *
 * <p>A report changes a Trace only when it comes from the Trace's node and answers the operation
 * the controller handed over (the one recorded on the Trace, or one still awaited from that node),
 * or, with an older operation's id, carries the counters of a Trace that node runs: then only the
 * counters are taken. Anything else is refused, counted ({@code onRefused} with the reason) and
 * logged, never applied. The report reaches this handler only once the node it names is known to
 * have signed it ({@code NodeReportVerifier}): the node name is then the writer's, and this is what
 * keeps one node from rewriting another's Traces (docs/security.md).
 */
public final class NodeReportHandler {
  private static final Logger LOG = LoggerFactory.getLogger(NodeReportHandler.class);

  private static final String GENERATE = Operation.GENERATE.annotationValue();

  private final TraceCache traces;
  private final SeccompProfileWriter seccompProfiles;
  private final StatusWriter statusWriter;
  private final PendingAnswers pendingAnswers;
  private final Consumer<Awaited> onDeletionSettled;
  private final Consumer<String> onRefused;
  private final Clock clock;

  public NodeReportHandler(
      TraceCache traces,
      SeccompProfileWriter seccompProfiles,
      StatusWriter statusWriter,
      PendingAnswers pendingAnswers,
      Consumer<Awaited> onDeletionSettled,
      Consumer<String> onRefused,
      Clock clock) {
    this.traces = traces;
    this.seccompProfiles = seccompProfiles;
    this.statusWriter = statusWriter;
    this.pendingAnswers = pendingAnswers;
    this.onDeletionSettled = onDeletionSettled;
    this.onRefused = onRefused;
    this.clock = clock;
  }

  public Future<Void> onReport(NodeReport report) {
    Optional<Trace> trace = traces.byUid(report.traceUid());
    Optional<Awaited> answered =
        pendingAnswers
            .awaited(report.operationId())
            .filter(awaited -> awaited.node().equals(report.node()))
            .flatMap(awaited -> pendingAnswers.answered(awaited.operationId()));
    answered.filter(NodeReportHandler::isDeletion).ifPresent(onDeletionSettled);
    if (trace.isEmpty() || trace.get().isMarkedForDeletion()) {
      return Future.succeededFuture();
    }
    if (!Objects.equals(report.node(), trace.get().getSpec().getNode())) {
      return refuse(trace.get(), report, "not-its-node");
    }
    Optional<TakenOperation> taken =
        TakenOperation.of(trace.get())
            .filter(recorded -> recorded.id().equals(report.operationId()));
    if (answered.isEmpty() && taken.isEmpty()) {
      if (TraceState.STARTED.equals(stateOf(trace.get()))) {
        return writeCounters(trace.get(), report);
      }
      return refuse(trace.get(), report, "operation-not-handed-over");
    }
    // A generate's profile, whichever replica handed the generate over: the one that awaited its
    // answer may have died or stopped acting before it came, and the Trace's status (Started, as
    // before the generate) cannot show whether the profile was written.
    boolean generated =
        trace.get().getSpec().getOutputMode() == OutputMode.EXTERNAL_RESOURCE
            && !report.countersUpdate()
            && answered
                .map(Awaited::operation)
                .or(() -> taken.map(TakenOperation::operation))
                .filter(GENERATE::equals)
                .isPresent()
            && report.output() != null
            && report.operationError() == null;
    if (answered.isEmpty()
        && !generated
        && TraceStatuses.showsAnswer(trace.get().getStatus(), report)) {
      return Future.succeededFuture();
    }
    if (trace.get().getSpec().getOutputMode() != OutputMode.EXTERNAL_RESOURCE) {
      return writeStatus(trace.get(), report);
    }
    // The output goes to its own resource, never into the status (nor again with each counter
    // update that repeats the answer).
    NodeReport withoutOutput = report.withOutput(null);
    if (!generated) {
      return writeStatus(trace.get(), withoutOutput);
    }
    return seccompProfiles
        .write(trace.get(), report.output())
        .transform(
            written ->
                writeStatus(
                    trace.get(),
                    written.succeeded()
                        ? withoutOutput
                        : withoutOutput.withOperationError(
                            "Failed to write %s \"%s\": %s"
                                .formatted(
                                    SeccompProfileWriter.KIND,
                                    trace.get().getSpec().getOutput(),
                                    written.cause().getMessage()))));
  }

  /**
   * Counts and logs a report that its node did not sign ({@code NodeReportVerifier}), untouched:
   * the node it names cannot be believed.
   */
  public void refuseUnverified(NodeReport report, String reason) {
    onRefused.accept(reason);
    LOG.warn(
        "{}",
        TraceLog.action("report-refused")
            .field("reason", reason)
            .field("traceUid", report.traceUid())
            .field("claimedNode", report.node())
            .field("operationId", report.operationId()));
  }

  private Future<Void> refuse(Trace trace, NodeReport report, String reason) {
    onRefused.accept(reason);
    LOG.warn(
        "{}",
        TraceLog.about("report-refused", trace)
            .field("reason", reason)
            .field("reportingNode", report.node())
            .field("traceNode", trace.getSpec().getNode())
            .field("operationId", report.operationId()));
    return Future.succeededFuture();
  }

  /** Only the counters of a running Trace, from a report of an earlier operation. */
  private Future<Void> writeCounters(Trace trace, NodeReport report) {
    return statusWriter.write(trace, TraceStatuses.withCounters(trace.getStatus(), report));
  }

  private static TraceState stateOf(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }

  private Future<Void> writeStatus(Trace trace, NodeReport report) {
    return statusWriter
        .write(
            trace,
            TraceStatuses.afterReport(
                trace.getStatus(), report, trace.getMetadata().getGeneration(), clock.instant()))
        .onFailure(
            e ->
                LOG.warn(
                    "{}",
                    TraceLog.about("status-write-failed", trace)
                        .field("reportingNode", report.node())
                        .field("error", e.toString())));
  }

  /**
   * The node did not answer in time: a deletion goes ahead, any other operation shows why: the node
   * was silent, or, {@code takenByKafka} false, Kafka did not take the operation (it is away), so
   * that the node never had it: the user is then pointed at Kafka, not at the node agent. Either
   * error is replaced by the node's answer when it comes.
   */
  public Future<Void> onDeadline(Awaited awaited, boolean takenByKafka) {
    if (isDeletion(awaited)) {
      LOG.warn(
          "{}",
          TraceLog.action("deletion-unconfirmed")
              .field("trace", awaited.traceKey())
              .field("node", awaited.node()));
      onDeletionSettled.accept(awaited);
      return Future.succeededFuture();
    }
    Optional<Trace> trace = traces.get(awaited.traceKey());
    if (trace.isEmpty()) {
      return Future.succeededFuture();
    }
    String message =
        takenByKafka
            ? "Node \"%s\" did not answer operation \"%s\": is a GadgetFlow node agent running there?"
                .formatted(awaited.node(), awaited.operation())
            : "Operation \"%s\" is not handed to node \"%s\" yet: Kafka did not take it in time; the node receives it once Kafka does"
                .formatted(awaited.operation(), awaited.node());
    LOG.warn(
        "{}",
        TraceLog.about(takenByKafka ? "node-silent" : "operation-not-taken-by-kafka", trace.get())
            .field("operation", awaited.operation())
            .field("operationId", awaited.operationId()));
    return statusWriter.write(
        trace.get(),
        TraceStatuses.afterSilence(
            trace.get().getStatus(),
            message,
            trace.get().getMetadata().getGeneration(),
            clock.instant()));
  }

  private static boolean isDeletion(Awaited awaited) {
    return awaited.operation().equals(Operation.DELETE.annotationValue());
  }
}
