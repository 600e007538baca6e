package io.gadgetflow.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gadgetflow.cli.platform.HostChecks;
import io.gadgetflow.cli.platform.KubeconfigFile;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
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
                .withConfig(KubeconfigFile.read(config.kubeconfig()))
                .build()
            : null;
    return VerticleRunner.run(
        "node",
        registry -> new NodeVerticle(config, podReader, Clock.systemUTC(), registry),
        podReader == null ? () -> {} : podReader,
        spec.commandLine().getErr(),
        started -> {});
  }
}
