package io.gadgetflow.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.controller.workers.KubernetesCalls;
import io.vertx.core.Future;
import java.net.HttpURLConnection;

/**
 * Writes to Traces. fabric8 calls block, so they run on the Kubernetes workers, within a deadline,
 * and come back as futures on the caller's context; calls for different Traces may run in parallel.
 */
public final class TraceRepository {
  private final KubernetesClient client;
  private final KubernetesCalls calls;

  public TraceRepository(KubernetesClient client, KubernetesCalls calls) {
    this.client = client;
    this.calls = calls;
  }

  public Future<Trace> patch(Trace trace, TracePatch patch) {
    String json = patch.toJson();
    return calls.run(
        "patch of Trace " + key(trace),
        () -> resource(trace).patch(PatchContext.of(PatchType.JSON), json));
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
    return calls.run(
        "status write of Trace " + key(trace),
        () -> resource(trace).subresource("status").patch(PatchContext.of(PatchType.JSON), json));
  }

  /** The Trace as the API server has it now; completes with null when it is gone. */
  public Future<Trace> read(Trace trace) {
    return calls.run(
        "read of Trace " + key(trace),
        () ->
            client
                .resources(Trace.class)
                .inNamespace(trace.getMetadata().getNamespace())
                .withName(trace.getMetadata().getName())
                .get());
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

  private static String key(Trace trace) {
    return trace.getMetadata().getNamespace() + "/" + trace.getMetadata().getName();
  }
}
