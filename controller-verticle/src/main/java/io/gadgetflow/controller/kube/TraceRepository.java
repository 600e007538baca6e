package io.gadgetflow.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceStatus;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.net.HttpURLConnection;

/**
 * Writes to Traces. fabric8 calls block, so they run on a worker pool and come back as futures on
 * the caller's context; calls for different Traces may run in parallel.
 */
public final class TraceRepository {
  private final KubernetesClient client;
  private final WorkerExecutor worker;

  public TraceRepository(KubernetesClient client, WorkerExecutor worker) {
    this.client = client;
    this.worker = worker;
  }

  public Future<Trace> patch(Trace trace, TracePatch patch) {
    String json = patch.toJson();
    return worker.executeBlocking(
        () -> resource(trace).patch(PatchContext.of(PatchType.JSON), json), false);
  }

  /**
   * Replaces the whole status through the status subresource, only over the version of the Trace it
   * was computed from: a patch that names a resourceVersion is a precondition, so when anybody
   * changed the Trace since, the API server refuses the write with 409 Conflict ({@link
   * #isConflict}) instead of it undoing their change.
   */
  public Future<Trace> replaceStatus(Trace trace, TraceStatus status) {
    String json =
        "[{\"op\":\"add\",\"path\":\"/metadata/resourceVersion\",\"value\":"
            + client.getKubernetesSerialization().asJson(trace.getMetadata().getResourceVersion())
            + "},{\"op\":\"add\",\"path\":\"/status\",\"value\":"
            + client.getKubernetesSerialization().asJson(status)
            + "}]";
    return worker.executeBlocking(
        () -> resource(trace).subresource("status").patch(PatchContext.of(PatchType.JSON), json),
        false);
  }

  /** The Trace as the API server has it now; completes with null when it is gone. */
  public Future<Trace> read(Trace trace) {
    return worker.executeBlocking(
        () ->
            client
                .resources(Trace.class)
                .inNamespace(trace.getMetadata().getNamespace())
                .withName(trace.getMetadata().getName())
                .get(),
        false);
  }

  /** Whether a write failed because the Trace changed since it was read. */
  public static boolean isConflict(Throwable failure) {
    return failure instanceof KubernetesClientException e
        && e.getCode() == HttpURLConnection.HTTP_CONFLICT;
  }

  /**
   * The Trace as we have it: fabric8 would fetch a resource named by {@code withName} from the
   * server before each patch, doubling the requests of a controller that only patches.
   */
  private Resource<Trace> resource(Trace trace) {
    return client
        .resources(Trace.class)
        .inNamespace(trace.getMetadata().getNamespace())
        .resource(trace);
  }
}
