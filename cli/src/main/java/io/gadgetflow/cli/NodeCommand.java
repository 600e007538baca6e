package io.gadgetflow.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gadgetflow.cli.platform.HostChecks;
import io.gadgetflow.cli.platform.PlatformException;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gadgetflow node}: this machine's node agent alone, as the DaemonSet runs it. */
@Command(
    name = "node",
    description = "Run this machine's node agent (configured by GADGETFLOW_* variables).",
    mixinStandardHelpOptions = true)
final class NodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    HostChecks.requireNodeAgentPrivileges();
    NodeConfig config = NodeConfig.fromEnvironment(System.getenv(), HostName.get());
    KubernetesClient podReader =
        config.containerAwareness()
            ? new KubernetesClientBuilder()
                .withConfig(kubernetesConfig(config.kubeconfig()))
                .build()
            : null;
    return VerticleRunner.run(
        "node",
        registry -> new NodeVerticle(config, podReader, Clock.systemUTC(), registry),
        podReader == null ? () -> {} : podReader,
        spec.commandLine().getErr(),
        started -> {});
  }

  /** The kubeconfig given, or fabric8's usual search (in a pod: its service account). */
  private static Config kubernetesConfig(Path kubeconfig) {
    if (kubeconfig == null) {
      return Config.autoConfigure(null);
    }
    try {
      return Config.fromKubeconfig(Files.readString(kubeconfig));
    } catch (IOException e) {
      throw new PlatformException(
          "cannot read the kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
    }
  }
}
