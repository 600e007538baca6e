package io.gadgetflow.controller.output;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.trace.ExternalResourceName;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.controller.workers.KubernetesCalls;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Writes the seccomp advisor's profile as a {@code SeccompProfile} of the
 * security-profiles-operator (the {@code outputMode: ExternalResource} of the seccomp gadget). The
 * controller writes it, not the node: node agents have no write access to the Kubernetes API, and
 * the profile is one resource per Trace, which the controller already writes to. Created, or
 * updated by server-side apply when it exists, so a second generate updates it.
 *
 * <p>The controller's rights are cluster-wide, a Trace's author's are not: a profile is written
 * only into a namespace the Trace may write into (its own, or one the administrator allows), and
 * never over an object GadgetFlow did not make for this Trace: an existing profile without
 * GadgetFlow's label and this Trace's annotation is refused, and the apply never forces a conflict,
 * so fields another manager owns stay theirs (docs/security.md).
 */
public final class SeccompProfileWriter {
  public static final String GROUP = "security-profiles-operator.x-k8s.io";
  public static final String VERSION = "v1beta1";
  public static final String KIND = "SeccompProfile";
  private static final String FIELD_MANAGER = "gadgetflow-controller";
  private static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  private static final String TRACE_ANNOTATION = "gadgetflow.io/trace";

  /** Where the profiles are, for a client of the generic resource API. */
  public static final ResourceDefinitionContext SECCOMP_PROFILES =
      new ResourceDefinitionContext.Builder()
          .withGroup(GROUP)
          .withVersion(VERSION)
          .withKind(KIND)
          .withPlural("seccompprofiles")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;
  private final KubernetesCalls calls;
  private final BiPredicate<String, String> mayWriteInto;

  /**
   * @param mayWriteInto whether a Trace of the first namespace may write into the second
   */
  public SeccompProfileWriter(
      KubernetesClient client, KubernetesCalls calls, BiPredicate<String, String> mayWriteInto) {
    this.client = client;
    this.calls = calls;
    this.mayWriteInto = mayWriteInto;
  }

  /**
   * Writes {@code profileJson} (defaultAction, architectures, syscalls) as the spec of the
   * SeccompProfile that {@code trace}'s {@code spec.output} names, {@code <namespace>/<name>}.
   */
  public Future<Void> write(Trace trace, String profileJson) {
    ExternalResourceName target = ExternalResourceName.parse(trace.getSpec().getOutput());
    String traceKey = trace.getMetadata().getNamespace() + "/" + trace.getMetadata().getName();
    if (!mayWriteInto.test(trace.getMetadata().getNamespace(), target.namespace())) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "namespace \"%s\" is not the Trace's own, nor one it may write into"
                  .formatted(target.namespace())));
    }
    GenericKubernetesResource profile =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(GROUP + "/" + VERSION)
            .withKind(KIND)
            .withNewMetadata()
            .withNamespace(target.namespace())
            .withName(target.name())
            .addToLabels(MANAGED_BY, "gadgetflow")
            .addToAnnotations(TRACE_ANNOTATION, traceKey)
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", spec(profileJson)))
            .build();
    return calls.run(
        "write of SeccompProfile " + target.namespace() + "/" + target.name(),
        () -> {
          var profiles =
              client.genericKubernetesResources(SECCOMP_PROFILES).inNamespace(target.namespace());
          GenericKubernetesResource existing = profiles.withName(target.name()).get();
          if (existing != null && !madeFor(existing, traceKey)) {
            throw new IllegalStateException(
                "it exists and GadgetFlow did not make it for this Trace; delete it or choose"
                    + " another name");
          }
          profiles.resource(profile).fieldManager(FIELD_MANAGER).serverSideApply();
          return null;
        });
  }

  private static boolean madeFor(GenericKubernetesResource existing, String traceKey) {
    Map<String, String> labels = existing.getMetadata().getLabels();
    Map<String, String> annotations = existing.getMetadata().getAnnotations();
    return labels != null
        && "gadgetflow".equals(labels.get(MANAGED_BY))
        && annotations != null
        && traceKey.equals(annotations.get(TRACE_ANNOTATION));
  }

  private static Map<?, ?> spec(String profileJson) {
    try {
      return Json.mapper().readValue(profileJson, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException("the node's seccomp profile is not JSON", e);
    }
  }
}
