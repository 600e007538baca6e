package io.gadgetflow.controller.reconcile;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.gadget.TraceValidation;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.controller.kafka.ControlPublisher;
import io.gadgetflow.controller.kube.TakenOperation;
import io.gadgetflow.controller.kube.TraceInformer;
import io.gadgetflow.controller.kube.TracePatch;
import io.gadgetflow.controller.kube.TraceRepository;
import io.gadgetflow.controller.status.PendingAnswers;
import io.gadgetflow.controller.status.PendingAnswers.Awaited;
import io.gadgetflow.controller.status.StatusWriter;
import io.gadgetflow.controller.status.TraceStatuses;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one Trace in line with what its annotations and spec ask, as a chain of steps: deletion
 * first; validation; finalizer; taking the operation annotation off atomically; handing the
 * operation to the node through Kafka. Node answers come back through {@link
 * io.gadgetflow.controller.status.NodeReportHandler}.
 */
public final class TraceReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(TraceReconciler.class);

  /** Some MB of ids: each Trace's latest, and for busy ones a few before it. */
  private static final int REMEMBERED_OPERATIONS = 100_000;

  private final AnswerTimeouts timeouts;
  private final TraceRepository traces;
  private final StatusWriter statusWriter;
  private final ControlPublisher control;
  private final PendingAnswers pendingAnswers;
  private final TracePolicy policy;
  private final Clock clock;
  private final BiConsumer<Trace, Trace> tookOver;
  private final Set<String> settledDeletions = new HashSet<>();

  /**
   * Operation ids handed to Kafka, by this replica or (read from the control topic when it started
   * acting) before. Each Trace keeps a record of its last operation, and the watch cache can still
   * show an older one after we took the next: this keeps either from being published twice.
   */
  private final Set<String> handedOver =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > REMEMBERED_OPERATIONS;
            }
          });

  /**
   * @param tookOver told of each Trace an operation was taken off and what the patch made of it
   *     ({@code StatusWrites#wroteOver}), before the watch shows it
   */
  public TraceReconciler(
      AnswerTimeouts timeouts,
      TraceRepository traces,
      StatusWriter statusWriter,
      ControlPublisher control,
      PendingAnswers pendingAnswers,
      TracePolicy policy,
      Clock clock,
      BiConsumer<Trace, Trace> tookOver) {
    this.timeouts = timeouts;
    this.traces = traces;
    this.statusWriter = statusWriter;
    this.control = control;
    this.pendingAnswers = pendingAnswers;
    this.policy = policy;
    this.clock = clock;
    this.tookOver = tookOver;
  }

  public Future<Void> reconcile(Trace trace) {
    if (trace.isMarkedForDeletion()) {
      return handleDeletion(trace);
    }
    Optional<String> invalid =
        TraceValidation.validate(trace.getSpec()).map(TraceValidation.Violation::message);
    if (invalid.isPresent()) {
      return refuse(trace, invalid.get());
    }
    Optional<String> beyondItsNamespace = policy.refusal(trace);
    if (beyondItsNamespace.isPresent()) {
      return refuse(trace, beyondItsNamespace.get());
    }
    return handOverTakenOperation(trace)
        .compose(v -> takeOperation(trace))
        .compose(this::handOverTakenOperation);
  }

  /** Operations that were handed to Kafka before this replica started acting. */
  public void handedOverBefore(Collection<String> operationIds) {
    handedOver.addAll(operationIds);
  }

  /** The node answered the stop that deletion asked for, or will never answer it. */
  public void deletionSettled(String operationId) {
    settledDeletions.add(operationId);
  }

  public static String deletionOperationId(Trace trace) {
    return trace.getMetadata().getUid() + "/delete";
  }

  /**
   * Stops the gadget on its node, then lets the Trace go. Waits for the node only when it has ever
   * reported on this Trace, and never longer than the deletion timeout.
   */
  private Future<Void> handleDeletion(Trace trace) {
    List<String> finalizers = trace.getMetadata().getFinalizers();
    if (finalizers == null || !finalizers.contains(Trace.FINALIZER)) {
      return Future.succeededFuture();
    }
    String operationId = deletionOperationId(trace);
    boolean nodeKnowsTrace = trace.getStatus() != null && trace.getStatus().getState() != null;
    if (nodeKnowsTrace && !settledDeletions.contains(operationId)) {
      if (pendingAnswers.isAwaited(operationId)) {
        return Future.succeededFuture();
      }
      LOG.info("{}", TraceLog.about("deletion-stop-requested", trace));
      return pendingAnswers.handOver(
          new Awaited(operationId, key(trace), node(trace), Operation.DELETE.annotationValue()),
          timeouts.deletion(),
          () -> control.publish(controlRecord(trace, Operation.DELETE, operationId, false)));
    }
    return control
        .tombstone(trace.getMetadata().getUid(), node(trace))
        .compose(v -> traces.patch(trace, TracePatch.of(trace).removeFinalizer(Trace.FINALIZER)))
        .onSuccess(
            v -> {
              settledDeletions.remove(operationId);
              LOG.info("{}", TraceLog.about("finalizer-removed", trace));
            })
        .mapEmpty();
  }

  /** Shows why the Trace cannot run; its operation annotation stays, marking it unprocessed. */
  private Future<Void> refuse(Trace trace, String message) {
    LOG.info("{}", TraceLog.about("trace-refused", trace).field("error", message));
    return statusWriter.write(
        trace,
        TraceStatuses.afterRefusal(
            trace.getStatus(), message, trace.getMetadata().getGeneration(), clock.instant()));
  }

  /**
   * Adds the finalizer and moves the operation annotation to the taken-operation record, in one
   * patch that fails if the annotation changed since it was read, so no operation is lost. The
   * record it replaces was handed over already.
   */
  private Future<Trace> takeOperation(Trace trace) {
    TracePatch patch = TracePatch.of(trace).addFinalizer(Trace.FINALIZER);
    String operation = annotation(trace, Trace.OPERATION_ANNOTATION);
    if (operation != null) {
      LOG.info("{}", TraceLog.about("operation-taken", trace).field("operation", operation));
      patch
          .removeAnnotation(Trace.OPERATION_ANNOTATION)
          .setAnnotation(
              TakenOperation.ANNOTATION, TakenOperation.fresh(operation).annotationValue());
    }
    return patch.isEmpty()
        ? Future.succeededFuture(trace)
        : traces.patch(trace, patch).onSuccess(taken -> tookOver.accept(trace, taken));
  }

  /** Publishes the taken operation to the node (or refuses it), unless that was done before. */
  private Future<Void> handOverTakenOperation(Trace trace) {
    if (!TakenOperation.isRecordedOn(trace)) {
      return Future.succeededFuture();
    }
    Optional<TakenOperation> taken = TakenOperation.of(trace);
    if (taken.isEmpty()) {
      // Written by hand, not by us: the next operation taken replaces it.
      LOG.warn("{}", TraceLog.about("malformed-taken-operation-ignored", trace));
      return Future.succeededFuture();
    }
    if (handedOver.contains(taken.get().id())) {
      return Future.succeededFuture();
    }
    GadgetDescriptor gadget = GadgetCatalog.find(trace.getSpec().getGadget()).orElseThrow();
    Optional<String> unsupported =
        TraceValidation.operation(gadget, taken.get().operation())
            .map(TraceValidation.Violation::message);
    Future<Void> handOver =
        unsupported.isPresent()
            ? refuse(trace, unsupported.get())
            : publishOperation(trace, taken.get());
    return handOver.onSuccess(v -> handedOver.add(taken.get().id()));
  }

  private Future<Void> publishOperation(Trace trace, TakenOperation taken) {
    Operation operation = Operation.fromAnnotationValue(taken.operation()).orElseThrow();
    boolean running = runningAfter(operation, trace.getStatus());
    return pendingAnswers
        .handOver(
            new Awaited(taken.id(), key(trace), node(trace), taken.operation()),
            timeouts.operation(),
            () -> control.publish(controlRecord(trace, operation, taken.id(), running)))
        .onSuccess(
            v ->
                LOG.info(
                    "{}",
                    TraceLog.about("operation-published", trace)
                        .field("operation", taken.operation())
                        .field("operationId", taken.id())));
  }

  /** Whether the gadget should be running once {@code operation} is done. */
  static boolean runningAfter(Operation operation, TraceStatus status) {
    return switch (operation) {
      case START -> true;
      case STOP, COLLECT, DELETE -> false;
      case GENERATE -> status != null && status.getState() == TraceState.STARTED;
    };
  }

  private ControlRecord controlRecord(
      Trace trace, Operation operation, String operationId, boolean running) {
    TraceSpec spec = trace.getSpec();
    return new ControlRecord(
        trace.getMetadata().getNamespace(),
        trace.getMetadata().getName(),
        trace.getMetadata().getUid(),
        trace.getMetadata().getGeneration() == null ? 0 : trace.getMetadata().getGeneration(),
        spec.getNode(),
        spec.getGadget(),
        policy.effectiveFilter(trace),
        spec.getOutputMode(),
        spec.getOutput(),
        spec.getParameters(),
        operation,
        operationId,
        running,
        clock.instant());
  }

  private static String annotation(Trace trace, String name) {
    Map<String, String> annotations = trace.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(name);
  }

  private static String key(Trace trace) {
    return TraceInformer.keyOf(trace);
  }

  private static String node(Trace trace) {
    return trace.getSpec().getNode();
  }
}
