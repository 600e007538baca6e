package io.gadgetflow.bench.fleet;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a watch of the Traces sees and when (wall clock, microseconds): each Trace's creation, its
 * first Started, the first stop asked of it and its first Stopped; every status it shows goes to a
 * listener. Times of the watch, so the API server's delay to its watchers is in every figure.
 */
final class TraceTimeline implements AutoCloseable {
  interface StatusListener {
    /**
     * @param answer whether the state or the error changed, rather than the counters alone
     */
    void onStatus(String uid, TraceStatus status, boolean answer, long seenMicros);
  }

  /** One Trace as the watch saw it; 0 for what it did not see (yet). */
  static final class Seen {
    final String uid;
    final String name;
    final String node;
    final String gadget;
    final long created;
    volatile long started;
    volatile long stopAsked;
    volatile long stopped;
    volatile long events;
    volatile String error;

    Seen(String uid, String name, String node, String gadget, long created) {
      this.uid = uid;
      this.name = name;
      this.node = node;
      this.gadget = gadget;
      this.created = created;
    }
  }

  private final Map<String, Seen> byUid = new ConcurrentHashMap<>();
  private final SharedIndexInformer<Trace> informer;
  private final StatusListener statuses;

  TraceTimeline(KubernetesClient client, String namespace, StatusListener statuses) {
    this.statuses = statuses;
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

  Collection<Seen> traces() {
    return byUid.values();
  }

  Seen get(String uid) {
    return byUid.get(uid);
  }

  /** Forgets every Trace seen so far, before the next step. */
  void clear() {
    byUid.clear();
  }

  private void seen(Trace before, Trace trace) {
    long now = Clocks.epochMicros();
    String uid = trace.getMetadata().getUid();
    Seen seen =
        byUid.computeIfAbsent(
            uid,
            u ->
                new Seen(
                    u,
                    trace.getMetadata().getName(),
                    trace.getSpec().getNode(),
                    trace.getSpec().getGadget(),
                    now));
    Map<String, String> annotations = trace.getMetadata().getAnnotations();
    if (seen.stopAsked == 0
        && annotations != null
        && "stop".equals(annotations.get(Trace.OPERATION_ANNOTATION))) {
      seen.stopAsked = now;
    }
    TraceStatus status = trace.getStatus();
    if (status == null) {
      return;
    }
    if (status.getState() == TraceState.STARTED && seen.started == 0) {
      seen.started = now;
    }
    if (status.getState() == TraceState.STOPPED && seen.stopped == 0) {
      seen.stopped = now;
    }
    if (status.getEvents() != null) {
      seen.events = status.getEvents();
    }
    if (status.getOperationError() != null) {
      seen.error = status.getOperationError();
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

  @Override
  public void close() {
    informer.close();
  }
}
