package io.gadgetflow.faults;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.local.kube.ControlPlaneBinaries;
import io.gadgetflow.local.kube.LocalControlPlane;
import io.gadgetflow.local.kube.LocalControlPlaneConfig;
import io.gadgetflow.testing.KubernetesCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A control plane of the test's own (etcd and kube-apiserver, as every IT's), whose API server a
 * fault kills with SIGKILL and starts again: the same program with the same command line, so on the
 * same port, certificates and etcd, as a kubelet restarts a static pod. Not the run's shared one,
 * which other tests use meanwhile.
 */
final class KillableControlPlane implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);

  private final Path dataDir;
  private final LocalControlPlane controlPlane;
  private final KubernetesClient client;
  private final KubernetesCluster cluster;
  private List<String> apiServerCommand;
  private Process restarted;

  private KillableControlPlane(Path dataDir, LocalControlPlane controlPlane) {
    this.dataDir = dataDir;
    this.controlPlane = controlPlane;
    this.client = controlPlane.newClient();
    this.cluster =
        KubernetesCluster.of(controlPlane.kubeconfig(), client, dataDir.resolve("kubectl-cache"));
  }

  static KillableControlPlane start() throws IOException {
    Path dataDir = Files.createTempDirectory("gadgetflow-faults-kube-");
    return new KillableControlPlane(
        dataDir,
        LocalControlPlane.start(
            LocalControlPlaneConfig.inDirectory(ControlPlaneBinaries.fromEnvironment(), dataDir)
                .withApiServerPort(0)));
  }

  KubernetesCluster cluster() {
    return cluster;
  }

  Path kubeconfig() {
    return controlPlane.kubeconfig();
  }

  /** SIGKILL to kube-apiserver: it drains no request and closes no watch. etcd runs on. */
  void killApiServer() throws Exception {
    ProcessHandle apiServer =
        ProcessHandle.current()
            .descendants()
            .filter(process -> process.info().command().orElse("").endsWith("/kube-apiserver"))
            .filter(
                process ->
                    commandLine(process).stream().anyMatch(a -> a.contains(dataDir.toString())))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no kube-apiserver runs on " + dataDir));
    apiServerCommand = commandLine(apiServer);
    apiServer.destroyForcibly();
    apiServer.onExit().get(30, TimeUnit.SECONDS);
  }

  /**
   * Starts the killed API server again and returns once it is ready, every check of {@code /readyz}
   * passed.
   */
  void restartApiServer() throws Exception {
    restarted =
        new ProcessBuilder(apiServerCommand)
            .redirectErrorStream(true)
            .redirectOutput(
                dataDir.resolve("logs").resolve("kube-apiserver-restarted.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    Config config = Config.fromKubeconfig(kubeconfig().toFile());
    config.setRequestRetryBackoffLimit(0);
    config.setConnectionTimeout(2_000);
    config.setRequestTimeout(2_000);
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(config).build()) {
      while (!ready(probe)) {
        if (!restarted.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the restarted API server is not ready; see " + dataDir.resolve("logs"));
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  private static boolean ready(KubernetesClient probe) {
    try {
      return "ok".equals(probe.raw("/readyz"));
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  private static List<String> commandLine(ProcessHandle process) {
    try {
      String cmdline =
          Files.readString(
              Path.of("/proc", Long.toString(process.pid()), "cmdline"), StandardCharsets.UTF_8);
      return Arrays.asList(cmdline.split("\0"));
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The restarted API server first (it drains into etcd), then the control plane, its data. */
  @Override
  public void close() throws Exception {
    client.close();
    if (restarted != null) {
      restarted.destroy();
      if (!restarted.waitFor(30, TimeUnit.SECONDS)) {
        restarted.destroyForcibly();
        restarted.waitFor();
      }
    }
    controlPlane.close();
    try (Stream<Path> paths = Files.walk(dataDir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
