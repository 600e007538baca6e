package io.gadgetflow.cli;

import io.gadgetflow.cli.platform.LocalCluster;
import io.gadgetflow.cli.platform.LocalClusterOptions;
import io.gadgetflow.local.DataHome;
import io.gadgetflow.local.kafka.EmbeddedKafkaConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gadgetflow cluster}: a single-node Kubernetes cluster on this machine with GadgetFlow
 * deployed on it, until Ctrl-C. The {@code gadgetflow} script builds what it needs first (the
 * Kubernetes programs, the images, the launchers) and passes them in.
 */
@Command(
    name = "cluster",
    description =
        "Run a single-node Kubernetes cluster on this machine with GadgetFlow deployed on it,"
            + " until Ctrl-C.",
    mixinStandardHelpOptions = true)
final class ClusterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--images",
      paramLabel = "FILE",
      required = true,
      description = "The OCI archive of the images (k8s/images/build.sh prints it).")
  Path imageArchive;

  @Option(
      names = "--kubectl-gadget",
      paramLabel = "FILE",
      required = true,
      description = "The kubectl-gadget launcher that deploys GadgetFlow.")
  Path kubectlGadget;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "The cluster's state, cleared at every start (default:"
              + " $XDG_DATA_HOME/gadgetflow/cluster or ~/.local/share/gadgetflow/cluster).")
  Path dataDir;

  @Option(
      names = "--image-store",
      paramLabel = "DIR",
      description =
          "containerd's images, kept between runs (default: $XDG_CACHE_HOME/gadgetflow/containerd"
              + " or ~/.cache/gadgetflow/containerd).")
  Path imageStore;

  @Option(
      names = "--kafka-port",
      paramLabel = "PORT",
      defaultValue = "" + EmbeddedKafkaConfig.DEFAULT_PORT,
      description = "Kafka's port on the node's address (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(
      names = "--dashboard-port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description =
          "The loopback port that forwards to the web UI; 0 picks a free one (default:"
              + " ${DEFAULT-VALUE}).")
  int dashboardPort;

  @Option(
      names = "--deploy-timeout",
      paramLabel = "SECONDS",
      defaultValue = "600",
      description =
          "How long the deployment may take until every pod is Ready (default: ${DEFAULT-VALUE}).")
  int deployTimeoutSeconds;

  @Option(
      names = "--wait-for-other-cluster",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description =
          "How long to wait for another GadgetFlow cluster of this machine to stop (there can be"
              + " one only; default: ${DEFAULT-VALUE}, fail at once).")
  int otherClusterTimeoutSeconds;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LocalClusterOptions options =
        new LocalClusterOptions(
            HostName.get().toLowerCase(Locale.ROOT),
            dataDir != null ? dataDir : DataHome.current().resolve("cluster"),
            imageStore != null ? imageStore : cacheHome().resolve("containerd"),
            imageArchive.toAbsolutePath(),
            kubectlGadget.toAbsolutePath(),
            kafkaPort,
            dashboardPort,
            Duration.ofSeconds(deployTimeoutSeconds),
            Duration.ofSeconds(otherClusterTimeoutSeconds));
    LocalCluster cluster = new LocalCluster();
    // Before starting, so that Ctrl-C during a start of minutes still removes what was started.
    RunUntilStopped running = RunUntilStopped.onStop(cluster, err);
    cluster.start(
        options,
        step -> {
          err.println("gadgetflow: " + step + " ...");
          err.flush();
        },
        line -> {
          err.println("gadgetflow:   " + line);
          err.flush();
        });
    printReady(out, cluster);
    return running.await();
  }

  private static Path cacheHome() {
    String xdgCacheHome = System.getenv("XDG_CACHE_HOME");
    return (xdgCacheHome != null && !xdgCacheHome.isBlank() && Path.of(xdgCacheHome).isAbsolute()
            ? Path.of(xdgCacheHome)
            : Path.of(System.getProperty("user.home"), ".cache"))
        .resolve("gadgetflow");
  }

  private static void printReady(PrintWriter out, LocalCluster cluster) {
    out.printf(
        """
        GadgetFlow runs on a local Kubernetes cluster (node %1$s); every pod is Ready.
        Open the dashboard (signed in as the cluster's administrator):

          %2$s

        Use the cluster with kubectl and kubectl gadget:

          export KUBECONFIG=%3$s
          export GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS=%4$s
          export GADGETFLOW_KAFKA_CLIENT_PROPERTIES=%5$s
          kubectl get pods -n gadget
          kubectl run demo --image=gadgetflow/demo:latest --image-pull-policy=Never
          kubectl gadget trace exec -n default -p demo

        The images were built on this machine and no registry is reachable: pods use them with
        imagePullPolicy Never (or IfNotPresent). Press Ctrl-C to stop the cluster and remove
        everything it started.
        """,
        cluster.nodeName(),
        cluster.dashboardUrl(),
        cluster.kubeconfig(),
        cluster.kafkaBootstrapServers(),
        cluster.viewerKafkaProperties());
    out.flush();
  }
}
