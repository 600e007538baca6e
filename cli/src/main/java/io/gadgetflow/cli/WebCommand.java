package io.gadgetflow.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gadgetflow.web.WebConfig;
import io.gadgetflow.web.WebVerticle;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gadgetflow web}: the web UI alone, as its Deployment runs it, or on a workstation against
 * the cluster of the user's kubeconfig with {@code GADGETFLOW_WEB_LOCAL_MODE=true}.
 */
@Command(
    name = "web",
    description =
        "Run the web UI: dashboard, REST API and live events (configured by GADGETFLOW_*"
            + " variables).",
    mixinStandardHelpOptions = true)
final class WebCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    WebConfig config = WebConfig.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    PrintWriter out = spec.commandLine().getOut();
    return VerticleRunner.run(
        "web",
        registry -> new WebVerticle(config, client, Clock.systemUTC(), registry),
        client,
        spec.commandLine().getErr(),
        web -> {
          out.println("Dashboard: " + web.dashboardUrl());
          out.flush();
        });
  }
}
