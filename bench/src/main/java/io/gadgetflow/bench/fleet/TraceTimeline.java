package io.gadgetflow.bench.fleet;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a watch of the Traces sees and when (wall clock, microseconds): each Trace's creation, its
 * first Started, the first stop asked of it, its first Stopped and a failure shown, said as marks
 * ({@link WatchMarks}); every status it shows goes to a listener. Times of the watch, so the API
 * server's delay to its watchers is in every figure. Runs in the watch's JVM ({@link FleetWatch}).
 */
final class TraceTimeline implements AutoCloseable {
  interface StatusListener {
    /**
     * @param answer whether the state or the error changed, rather than the counters alone
     */
    void onStatus(String uid, TraceStatus status, boolean answer, long seenMicros);
  }

  /** By {@code uid mark}: what was said already, said once. */
  private final Set<String> said = ConcurrentHashMap.newKeySet();

  private final SharedIndexInformer<Trace> informer;
  private final StatusListener statuses;
  private final WatchMarks.Sayer marks;

  TraceTimeline(
      KubernetesClient client, String namespace, StatusListener statuses, WatchMarks.Sayer marks) {
    this.statuses = statuses;
    this.marks = marks;
    this.informer =
        client
            .resources(Trace.class)
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Trace trace) {
                    seen(null, trace);
                  }

                  @Override
                  public void onUpdate(Trace before, Trace after) {
                    seen(before, after);
                  }

                  @Override
                  public void onDelete(Trace trace, boolean unknown) {}
                });
  }

  private void seen(Trace before, Trace trace) {
    long now = Clocks.epochMicros();
    String uid = trace.getMetadata().getUid();
    if (first(uid, "created")) {
      marks.created(
          uid,
          trace.getMetadata().getName(),
          trace.getSpec().getNode(),
          trace.getSpec().getGadget(),
          now);
    }
    Map<String, String> annotations = trace.getMetadata().getAnnotations();
    if (annotations != null
        && "stop".equals(annotations.get(Trace.OPERATION_ANNOTATION))
        && first(uid, "stop-asked")) {
      marks.stopAsked(uid, now);
    }
    TraceStatus status = trace.getStatus();
    if (status == null) {
      return;
    }
    if (status.getState() == TraceState.STARTED && first(uid, "started")) {
      marks.started(uid, now);
    }
    if (status.getState() == TraceState.STOPPED && first(uid, "stopped")) {
      marks.stopped(uid, now);
    }
    if (status.getOperationError() != null && first(uid, "failed")) {
      marks.failed(uid);
    }
    TraceStatus previous = before == null ? null : before.getStatus();
    if (!Objects.equals(previous, status)) {
      boolean answer =
          previous == null
              || previous.getState() != status.getState()
              || !Objects.equals(previous.getOperationError(), status.getOperationError());
      statuses.onStatus(uid, status, answer, now);
    }
  }

  private boolean first(String uid, String mark) {
    return said.add(uid + " " + mark);
  }

  @Override
  public void close() {
    informer.close();
  }
}
