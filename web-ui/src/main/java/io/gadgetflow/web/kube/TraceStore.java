package io.gadgetflow.web.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gadgetflow.api.kube.CallDeadline;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.web.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Traces in the Kubernetes API, with the web UI's own identity. fabric8 blocks, so every call runs
 * on a worker, within a deadline, and returns a Vert.x future; callers check the user's permission
 * first.
 */
public final class TraceStore {
  private final KubernetesClient client;
  private final WorkerExecutor workers;
  private final CallDeadline deadline;

  public TraceStore(KubernetesClient client, WorkerExecutor workers, CallDeadline deadline) {
    this.client = client;
    this.workers = workers;
    this.deadline = deadline;
  }

  /** The namespace's Traces, newest first. */
  public Future<List<Trace>> list(String namespace) {
    return call(
        "list of the Traces of namespace " + namespace,
        () ->
            client.resources(Trace.class).inNamespace(namespace).list().getItems().stream()
                .sorted(
                    Comparator.comparing(
                            (Trace t) -> t.getMetadata().getCreationTimestamp(),
                            Comparator.nullsLast(Comparator.naturalOrder()))
                        .reversed()
                        .thenComparing(t -> t.getMetadata().getName()))
                .toList());
  }

  /**
   * @return the Trace, or a failed future with a 404 {@link ApiException}
   */
  public Future<Trace> get(String namespace, String name) {
    return call(
        "read of Trace " + namespace + "/" + name,
        () -> existing(trace(namespace, name).get(), namespace, name));
  }

  /**
   * @return the created Trace, or a failed future with a 409 {@link ApiException} when the name is
   *     taken
   */
  public Future<Trace> create(Trace trace) {
    return call(
        "create of Trace "
            + trace.getMetadata().getNamespace()
            + "/"
            + trace.getMetadata().getName(),
        () -> {
          try {
            return client.resource(trace).create();
          } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
              throw ApiException.conflict(
                  "A Trace named \"%s\" already exists in namespace \"%s\""
                      .formatted(
                          trace.getMetadata().getName(), trace.getMetadata().getNamespace()));
            }
            throw e;
          }
        });
  }

  /**
   * Deletes a Trace; the controller stops its gadget and removes the finalizer.
   *
   * @return a failed future with a 404 {@link ApiException} when there is no such Trace
   */
  public Future<Void> delete(String namespace, String name) {
    return call(
        "delete of Trace " + namespace + "/" + name,
        () -> {
          if (trace(namespace, name).delete().isEmpty()) {
            throw notFound(namespace, name);
          }
          return null;
        });
  }

  /**
   * Sets the operation annotation, as {@code kubectl annotate --overwrite trace/<name>
   * gadget.kinvolk.io/operation=<op>} does: a merge patch of that one annotation. An operation the
   * controller has not taken yet is replaced, as with kubectl.
   */
  public Future<Trace> requestOperation(String namespace, String name, Operation operation) {
    String patch =
        client
            .getKubernetesSerialization()
            .asJson(
                Map.of(
                    "metadata",
                    Map.of(
                        "annotations",
                        Map.of(Trace.OPERATION_ANNOTATION, operation.annotationValue()))));
    return call(
        "operation patch of Trace " + namespace + "/" + name,
        () -> {
          Resource<Trace> resource = trace(namespace, name);
          try {
            return resource.patch(PatchContext.of(PatchType.JSON_MERGE), patch);
          } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
              throw notFound(namespace, name);
            }
            throw e;
          }
        });
  }

  /** Calls are not ordered: one user's slow call must not hold the others' behind it. */
  private <T> Future<T> call(String what, Callable<T> call) {
    return workers.executeBlocking(deadline.bounded(what, call), false);
  }

  private Resource<Trace> trace(String namespace, String name) {
    return client.resources(Trace.class).inNamespace(namespace).withName(name);
  }

  private static Trace existing(Trace trace, String namespace, String name) {
    if (trace == null) {
      throw notFound(namespace, name);
    }
    return trace;
  }

  private static ApiException notFound(String namespace, String name) {
    return ApiException.notFound(
        "No Trace named \"%s\" in namespace \"%s\"".formatted(name, namespace));
  }
}
