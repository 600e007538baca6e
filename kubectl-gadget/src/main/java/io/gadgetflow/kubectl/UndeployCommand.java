package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.api.trace.Trace;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl gadget undeploy}: deletes what deploy installed, in reverse order. Traces go
 * first, while a controller may still run to stop their gadgets; a Trace it does not release in
 * time loses its finalizer, since deleting the CRD would otherwise wait on it forever.
 */
@Command(
    name = "undeploy",
    mixinStandardHelpOptions = true,
    description =
        "Remove GadgetFlow from the cluster: every Trace, then the manifests of k8s/install.")
final class UndeployCommand implements Callable<Integer> {
  private static final Duration CRD_DELETION_TIMEOUT = Duration.ofSeconds(60);

  @Spec CommandSpec spec;

  @Mixin ClusterOptions options;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "20",
      description =
          "How long the controller may take to delete the Traces before their finalizers are"
              + " removed (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() {
    if (timeoutSeconds < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--timeout takes a number of seconds, 0 or more, not " + timeoutSeconds);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Cluster cluster = Cluster.connect(options.kubeconfig)) {
      KubernetesClient client = cluster.client();
      deleteTraces(client, out, err);
      List<HasMetadata> objects = new ArrayList<>(InstallManifests.load(client));
      Collections.reverse(objects);
      for (HasMetadata object : objects) {
        boolean existed = !client.resource(object).delete().isEmpty();
        out.println(ObjectNames.of(object) + (existed ? " deleted" : " was not there"));
        out.flush();
        if (existed && object instanceof CustomResourceDefinition) {
          // Deploying again right away fails while the CRD is still terminating.
          client
              .resource(object)
              .waitUntilCondition(
                  Objects::isNull, CRD_DELETION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    }
    return 0;
  }

  private void deleteTraces(KubernetesClient client, PrintWriter out, PrintWriter err) {
    List<Trace> traces;
    try {
      traces = client.resources(Trace.class).inAnyNamespace().list().getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return; // no Trace CRD, so no Traces
      }
      throw e;
    }
    traces.forEach(trace -> client.resource(trace).delete());
    Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
    for (Trace trace : traces) {
      long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
      Trace remaining;
      try {
        remaining =
            client.resource(trace).waitUntilCondition(Objects::isNull, left, TimeUnit.MILLISECONDS);
      } catch (KubernetesClientException timedOut) {
        remaining = client.resource(trace).get();
      }
      if (remaining != null) {
        client
            .resource(remaining)
            .edit(
                stuck -> {
                  stuck.getMetadata().getFinalizers().remove(Trace.FINALIZER);
                  return stuck;
                });
        err.printf(
            "kubectl-gadget: no controller deleted Trace %s within %ds, so its finalizer was removed; a node agent may still run its gadget%n",
            ObjectNames.of(trace), timeoutSeconds);
      }
      out.println(ObjectNames.of(trace) + " deleted");
    }
  }
}
