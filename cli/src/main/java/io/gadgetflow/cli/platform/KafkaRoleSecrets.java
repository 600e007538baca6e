package io.gadgetflow.cli.platform;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.kafka.KafkaRole;
import io.gadgetflow.local.kafka.KafkaCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The Secrets {@code k8s/install} takes each role's Kafka login from, made from the local broker's
 * users as an administrator makes them with {@code kubectl create secret} (docs/deployment.md):
 * {@code gadgetflow-kafka-<role>} in namespace {@code gadget}, with the role's {@code username} and
 * {@code password} and the broker's authority {@code ca.crt}. Each role's pods mount their own
 * role's Secret only.
 */
final class KafkaRoleSecrets {
  /** The roles that run in the cluster; the viewer is {@code kubectl gadget} on the host. */
  static final List<KafkaRole> POD_ROLES =
      List.of(KafkaRole.NODE, KafkaRole.CONTROLLER, KafkaRole.WEB);

  private static final String FIELD_MANAGER = "gadgetflow-cluster";

  private KafkaRoleSecrets() {}

  /** The Secret the manifests name for {@code role}, e.g. {@code gadgetflow-kafka-node}. */
  static String name(KafkaRole role) {
    return "gadgetflow-kafka-" + role.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Creates (or updates) the namespace and every pod role's Secret; before {@code kubectl gadget
   * deploy}, so the pods find them at their first start.
   */
  static void create(KubernetesClient client, String namespace, KafkaCredentials credentials) {
    Path caCertificate =
        credentials
            .caCertificate()
            .orElseThrow(() -> new IllegalStateException("the cluster's Kafka has no TLS"));
    String ca;
    try {
      ca = Files.readString(caCertificate);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + caCertificate, e);
    }
    client
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .fieldManager(FIELD_MANAGER)
        .serverSideApply();
    for (KafkaRole role : POD_ROLES) {
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(name(role))
                  .withNamespace(namespace)
                  .addToLabels("app.kubernetes.io/part-of", "gadgetflow")
                  .endMetadata()
                  .withType("Opaque")
                  .addToStringData("username", role.userName())
                  .addToStringData("password", credentials.password(role))
                  .addToStringData("ca.crt", ca)
                  .build())
          .fieldManager(FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
    }
  }
}
