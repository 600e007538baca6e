package io.gadgetflow.cli.kubectl;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl gadget deploy}: applies the install manifests with server-side apply, so running
 * it again brings an older installation up to date. It returns once the API server serves Traces.
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

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Cluster cluster = Cluster.connect(options.kubeconfig)) {
      KubernetesClient client = cluster.client();
      for (HasMetadata object : InstallManifests.load(client)) {
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
    }
    return 0;
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
