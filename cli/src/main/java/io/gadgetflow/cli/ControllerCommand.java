package io.gadgetflow.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.ControllerVerticle;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gadgetflow controller}: the controller alone, as its container image runs it. */
@Command(
    name = "controller",
    description = "Run the Trace controller (configured by GADGETFLOW_* variables).",
    mixinStandardHelpOptions = true)
final class ControllerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    ControllerConfig config = ControllerConfig.fromEnvironment(System.getenv(), HostName.get());
    KubernetesClient client = new KubernetesClientBuilder().build();
    return VerticleRunner.run(
        "controller",
        registry -> new ControllerVerticle(config, client, Clock.systemUTC(), registry),
        client,
        spec.commandLine().getErr(),
        started -> {});
  }
}
