package io.gadgetflow.controller.output;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.trace.ExternalResourceName;
import io.gadgetflow.api.trace.Trace;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes the seccomp advisor's profile as a {@code SeccompProfile} of the
 * security-profiles-operator (the {@code outputMode: ExternalResource} of the seccomp gadget). The
 * controller writes it, not the node: node agents have no write access to the Kubernetes API, and
 * the profile is one resource per Trace, which the controller already writes to. Created, or
 * replaced by server-side apply when it exists, so a second generate updates it.
 */
public final class SeccompProfileWriter {
  public static final String GROUP = "security-profiles-operator.x-k8s.io";
  public static final String VERSION = "v1beta1";
  public static final String KIND = "SeccompProfile";
  private static final String FIELD_MANAGER = "gadgetflow-controller";
  private static final ResourceDefinitionContext SECCOMP_PROFILES =
      new ResourceDefinitionContext.Builder()
          .withGroup(GROUP)
          .withVersion(VERSION)
          .withKind(KIND)
          .withPlural("seccompprofiles")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;
  private final WorkerExecutor worker;

  public SeccompProfileWriter(KubernetesClient client, WorkerExecutor worker) {
    this.client = client;
    this.worker = worker;
  }

  /**
   * Writes {@code profileJson} (defaultAction, architectures, syscalls) as the spec of the
   * SeccompProfile that {@code trace}'s {@code spec.output} names, {@code <namespace>/<name>}.
   */
  public Future<Void> write(Trace trace, String profileJson) {
    ExternalResourceName target = ExternalResourceName.parse(trace.getSpec().getOutput());
    GenericKubernetesResource profile =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(GROUP + "/" + VERSION)
            .withKind(KIND)
            .withNewMetadata()
            .withNamespace(target.namespace())
            .withName(target.name())
            .addToLabels("app.kubernetes.io/managed-by", "gadgetflow")
            .addToAnnotations(
                "gadgetflow.io/trace",
                trace.getMetadata().getNamespace() + "/" + trace.getMetadata().getName())
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", spec(profileJson)))
            .build();
    return worker.executeBlocking(
        () -> {
          client
              .genericKubernetesResources(SECCOMP_PROFILES)
              .inNamespace(target.namespace())
              .resource(profile)
              .fieldManager(FIELD_MANAGER)
              .forceConflicts()
              .serverSideApply();
          return null;
        },
        false);
  }

  private static Map<?, ?> spec(String profileJson) {
    try {
      return Json.mapper().readValue(profileJson, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException("the node's seccomp profile is not JSON", e);
    }
  }
}
