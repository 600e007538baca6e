package io.gadgetflow.cli;

import io.gadgetflow.api.config.Settings;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.cli.platform.LocalPlatform;
import io.gadgetflow.cli.platform.LocalPlatformOptions;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.local.DataHome;
import io.gadgetflow.local.kafka.EmbeddedKafkaConfig;
import io.gadgetflow.local.kube.LocalControlPlaneConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gadgetflow up}: the whole platform on this machine, until Ctrl-C. */
@Command(
    name = "up",
    description = "Run the whole platform on this machine until Ctrl-C.",
    mixinStandardHelpOptions = true)
final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--kafka-bootstrap",
      paramLabel = "HOST:PORT",
      description = "Use this Kafka instead of the embedded broker.")
  String kafkaBootstrapServers;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Use this cluster instead of a local control plane.")
  Path kubeconfig;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Keep the embedded Kafka's and control plane's data here (default:"
              + " $XDG_DATA_HOME/gadgetflow or ~/.local/share/gadgetflow).")
  Path dataDir;

  @Option(
      names = "--kafka-port",
      paramLabel = "PORT",
      defaultValue = "" + EmbeddedKafkaConfig.DEFAULT_PORT,
      description = "The embedded Kafka's port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--api-server-port",
      paramLabel = "PORT",
      defaultValue = "" + LocalControlPlaneConfig.DEFAULT_API_SERVER_PORT,
      description =
          "The local kube-apiserver's port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int apiServerPort;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String node = new Settings(System.getenv()).string("NODE_NAME", HostName.get());
    LocalPlatform platform =
        LocalPlatform.start(
            new LocalPlatformOptions(
                kafkaBootstrapServers,
                kubeconfig,
                node,
                dataDir != null ? dataDir : DataHome.current(),
                kafkaPort,
                apiServerPort),
            step -> {
              err.println("gadgetflow: " + step + " ...");
              err.flush();
            });
    printReady(out, platform, node);
    return RunUntilStopped.block(platform, err);
  }

  private static void printReady(PrintWriter out, LocalPlatform platform, String node) {
    out.printf(
        """
        GadgetFlow is up. Open the dashboard:

          %7$s

        Kafka at %1$s, node agent for node %2$s.

          export KUBECONFIG=%3$s%9$s

        Trace the processes this machine starts:

          kubectl apply -f - <<'EOF'
          apiVersion: %4$s
          kind: Trace
          metadata:
            name: exec
            namespace: %5$s
          spec:
            node: %2$s
            gadget: execsnoop
            runMode: Manual
            outputMode: Stream
          EOF
          kubectl annotate -n %5$s trace/exec %6$s=start
          kubectl get -n %5$s trace exec

        Events arrive on the Kafka topic gadget.events.
        Health and Prometheus metrics: %8$s/health and %8$s/metrics
        Press Ctrl-C to stop everything.
        """,
        platform.kafkaBootstrapServers(),
        node,
        platform.kubeconfig(),
        Trace.API_VERSION,
        Trace.DEFAULT_NAMESPACE,
        Trace.OPERATION_ANNOTATION,
        platform.dashboardUrl(),
        platform.monitoringUrl(),
        platform
            .viewerKafkaProperties()
            .map(
                file ->
                    "\n  export "
                        + Settings.PREFIX
                        + KafkaSecurity.CLIENT_PROPERTIES_SETTING
                        + "="
                        + file
                        + "   # kubectl gadget reads Kafka as a viewer")
            .orElse(""));
    out.flush();
  }
}
