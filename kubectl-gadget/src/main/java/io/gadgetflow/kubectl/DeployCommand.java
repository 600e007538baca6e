package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl gadget deploy}: applies the install manifests with server-side apply, so running
 * it again brings an older installation up to date. It returns once the API server serves Traces,
 * or with {@code --wait} once the Deployments and DaemonSets run what was applied.
 */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = "Install GadgetFlow into the cluster (the manifests of k8s/install).")
final class DeployCommand implements Callable<Integer> {
  static final String FIELD_MANAGER = "kubectl-gadget";
  private static final Duration ESTABLISH_TIMEOUT = Duration.ofSeconds(60);

  @Spec CommandSpec spec;

  @Mixin ClusterOptions options;

  @Option(
      names = "--wait",
      description =
          "Wait until the Deployments and DaemonSets are rolled out (as kubectl rollout"
              + " status).")
  boolean await;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--kafka-bootstrap",
      paramLabel = "HOST:PORT[,...]",
      description =
          "The Kafka every GadgetFlow role connects to, written into the ConfigMap"
              + " gadgetflow-kafka (default: the manifests' own, "
              + InstallManifests.SHIPPED_KAFKA_BOOTSTRAP
              + ").")
  String kafkaBootstrap;

  @Override
  public Integer call() {
    if (timeoutSeconds < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--timeout takes a number of seconds, 0 or more, not " + timeoutSeconds);
    }
    if (kafkaBootstrap != null && kafkaBootstrap.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "--kafka-bootstrap takes HOST:PORT[,...], not an empty value");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Cluster cluster = Cluster.connect(options.kubeconfig)) {
      KubernetesClient client = cluster.client();
      List<HasMetadata> objects = InstallManifests.load(client);
      if (kafkaBootstrap != null) {
        InstallManifests.setKafkaBootstrap(objects, kafkaBootstrap.strip());
      }
      for (HasMetadata object : objects) {
        client.resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        if (object instanceof CustomResourceDefinition) {
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(object.getMetadata().getName())
              .waitUntilCondition(
                  DeployCommand::isEstablished,
                  ESTABLISH_TIMEOUT.toMillis(),
                  TimeUnit.MILLISECONDS);
        }
        out.println(ObjectNames.of(object) + " applied");
        out.flush();
      }
      if (await) {
        awaitRollouts(client, objects, out);
      }
    }
    return 0;
  }

  /**
   * @throws CommandFailure naming every workload not rolled out in time, and why
   */
  private void awaitRollouts(KubernetesClient client, List<HasMetadata> objects, PrintWriter out) {
    Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
    List<String> notReady = new ArrayList<>();
    for (HasMetadata object : objects.stream().filter(Rollout::isWorkload).toList()) {
      long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
      HasMetadata latest;
      try {
        latest =
            client
                .resource(object)
                .waitUntilCondition(
                    seen -> Rollout.notReady(seen).isEmpty(), left, TimeUnit.MILLISECONDS);
      } catch (KubernetesClientException timedOut) {
        latest = client.resource(object).get();
      }
      Optional<String> reason = Rollout.notReady(latest);
      if (reason.isPresent()) {
        notReady.add(ObjectNames.of(object) + ": " + reason.get());
      } else {
        out.println(ObjectNames.of(object) + " rolled out");
        out.flush();
      }
    }
    if (!notReady.isEmpty()) {
      throw new CommandFailure(
          "not rolled out within %ds: %s".formatted(timeoutSeconds, String.join("; ", notReady)));
    }
  }

  private static boolean isEstablished(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        // The API server writes a status before it has any condition to put in it.
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
