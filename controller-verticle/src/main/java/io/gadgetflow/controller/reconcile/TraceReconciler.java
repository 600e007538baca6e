package io.gadgetflow.controller.reconcile;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.kafka.ControlPublisher;
import io.gadgetflow.controller.kube.TraceInformer;
import io.gadgetflow.controller.kube.TraceRepository;
import io.gadgetflow.controller.status.PendingAnswers;
import io.gadgetflow.controller.status.PendingAnswers.Awaited;
import io.gadgetflow.controller.status.StatusWriter;
import io.gadgetflow.controller.status.TraceStatuses;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
  private static final int REMEMBERED_OPERATIONS = 10_000;
  private static final int UNPROCESSABLE = 422;

  private final ControllerConfig config;
  private final TraceRepository traces;
  private final StatusWriter statusWriter;
  private final ControlPublisher control;
  private final PendingAnswers pendingAnswers;
  private final Clock clock;
  private final Set<String> settledDeletions = new HashSet<>();

  /**
   * Operation ids this replica handed to Kafka. The watch cache can still show a Trace with its
   * pending operation after we removed it; this keeps such a stale copy from publishing the
   * operation a second time.
   */
  private final Set<String> handedOver =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > REMEMBERED_OPERATIONS;
            }
          });

  public TraceReconciler(
      ControllerConfig config,
      TraceRepository traces,
      StatusWriter statusWriter,
      ControlPublisher control,
      PendingAnswers pendingAnswers,
      Clock clock) {
    this.config = config;
    this.traces = traces;
    this.statusWriter = statusWriter;
    this.control = control;
    this.pendingAnswers = pendingAnswers;
    this.clock = clock;
  }

  public Future<Void> reconcile(Trace trace) {
    if (trace.isMarkedForDeletion()) {
      return handleDeletion(trace);
    }
    Optional<String> invalid = TraceValidator.validate(trace.getSpec());
    if (invalid.isPresent()) {
      return refuse(trace, invalid.get());
    }
    return takeOperation(trace).compose(this::handOverPendingOperation);
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
      return control
          .publish(controlRecord(trace, Operation.DELETE, operationId, false))
          .onSuccess(
              v ->
                  pendingAnswers.await(
                      new Awaited(
                          operationId, key(trace), node(trace), Operation.DELETE.annotationValue()),
                      config.deletionTimeout()));
    }
    return control
        .tombstone(trace.getMetadata().getUid())
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
   * Adds the finalizer and moves the operation annotation to a pending-operation record, in one
   * patch that fails if the annotation changed since it was read, so no operation is lost.
   */
  private Future<Trace> takeOperation(Trace trace) {
    TracePatch patch = TracePatch.of(trace).addFinalizer(Trace.FINALIZER);
    String operation = annotation(trace, Trace.OPERATION_ANNOTATION);
    if (operation != null && !PendingOperation.isRecordedOn(trace)) {
      LOG.info("{}", TraceLog.about("operation-taken", trace).field("operation", operation));
      patch
          .removeAnnotation(Trace.OPERATION_ANNOTATION)
          .addAnnotation(
              PendingOperation.ANNOTATION, PendingOperation.fresh(operation).annotationValue());
    }
    return patch.isEmpty() ? Future.succeededFuture(trace) : traces.patch(trace, patch);
  }

  /** Publishes the pending operation to the node (or refuses it), then forgets the record. */
  private Future<Void> handOverPendingOperation(Trace trace) {
    if (!PendingOperation.isRecordedOn(trace)) {
      return Future.succeededFuture();
    }
    Optional<PendingOperation> pending = PendingOperation.of(trace);
    if (pending.isEmpty()) {
      LOG.warn("{}", TraceLog.about("malformed-pending-operation-dropped", trace));
      return forgetPendingOperation(trace);
    }
    if (handedOver.contains(pending.get().id())) {
      return forgetPendingOperation(trace);
    }
    GadgetDescriptor gadget = GadgetCatalog.find(trace.getSpec().getGadget()).orElseThrow();
    Optional<String> unsupported =
        TraceValidator.validateOperation(gadget, pending.get().operation());
    Future<Void> handOver =
        unsupported.isPresent()
            ? refuse(trace, unsupported.get())
            : publishOperation(trace, pending.get());
    return handOver.compose(v -> forgetPendingOperation(trace));
  }

  private Future<Void> publishOperation(Trace trace, PendingOperation pending) {
    Operation operation = Operation.fromAnnotationValue(pending.operation()).orElseThrow();
    boolean running = runningAfter(operation, trace.getStatus());
    return control
        .publish(controlRecord(trace, operation, pending.id(), running))
        .onSuccess(
            v -> {
              handedOver.add(pending.id());
              LOG.info(
                  "{}",
                  TraceLog.about("operation-published", trace)
                      .field("operation", pending.operation())
                      .field("operationId", pending.id()));
              pendingAnswers.await(
                  new Awaited(pending.id(), key(trace), node(trace), pending.operation()),
                  config.operationTimeout());
            });
  }

  /** Removes the pending-operation record; one already removed (by an earlier pass) is fine. */
  private Future<Void> forgetPendingOperation(Trace trace) {
    return traces
        .patch(trace, TracePatch.of(trace).removeAnnotation(PendingOperation.ANNOTATION))
        .<Void>mapEmpty()
        .recover(
            e ->
                e instanceof KubernetesClientException rejected
                        && rejected.getCode() == UNPROCESSABLE
                    ? Future.succeededFuture()
                    : Future.failedFuture(e));
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
        spec.getFilter(),
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
