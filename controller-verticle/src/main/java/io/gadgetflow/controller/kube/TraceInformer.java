package io.gadgetflow.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.gadgetflow.api.trace.Trace;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A watch-backed cache of Traces. Reads are in-memory and safe from any thread; changes are
 * announced by key ({@code namespace/name}) on the controller's context.
 */
public final class TraceInformer implements TraceCache, AutoCloseable {
  private static final String BY_UID = "uid";
  private static final long RESYNC_MILLIS = 10 * 60 * 1000;

  private final SharedIndexInformer<Trace> informer;
  private final Context context;

  /**
   * @param namespace the only namespace to watch, or null for all
   * @param onChange called on {@code context} with the key of each added, changed or deleted Trace
   */
  public TraceInformer(
      KubernetesClient client, String namespace, Context context, Consumer<String> onChange) {
    var traces = client.resources(Trace.class);
    this.informer =
        namespace == null
            ? traces.inAnyNamespace().runnableInformer(RESYNC_MILLIS)
            : traces.inNamespace(namespace).runnableInformer(RESYNC_MILLIS);
    this.context = context;
    informer.addIndexers(Map.of(BY_UID, trace -> List.of(trace.getMetadata().getUid())));
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Trace trace) {
            announce(trace);
          }

          @Override
          public void onUpdate(Trace before, Trace after) {
            announce(after);
          }

          @Override
          public void onDelete(Trace trace, boolean finalStateUnknown) {
            announce(trace);
          }

          private void announce(Trace trace) {
            String key = keyOf(trace);
            context.runOnContext(v -> onChange.accept(key));
          }
        });
  }

  /** Starts watching; completes when the cache holds every existing Trace. */
  public Future<Void> start() {
    return Future.fromCompletionStage(informer.start(), context);
  }

  public static String keyOf(Trace trace) {
    return Cache.metaNamespaceKeyFunc(trace);
  }

  @Override
  public Optional<Trace> get(String key) {
    return Optional.ofNullable(informer.getStore().getByKey(key));
  }

  @Override
  public Optional<Trace> byUid(String uid) {
    return informer.getIndexer().byIndex(BY_UID, uid).stream().findFirst();
  }

  @Override
  public void close() {
    informer.close();
  }
}
