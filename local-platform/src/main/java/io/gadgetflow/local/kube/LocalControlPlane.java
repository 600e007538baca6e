package io.gadgetflow.local.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.local.LoopbackPorts;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes API server on this machine: etcd and kube-apiserver run as child processes,
 * listening on the loopback interface only, with the Trace CRD established and the {@code gadget}
 * namespace created. There is no scheduler, controller manager or kubelet: objects are stored and
 * served, watched and validated, but nothing acts on them, which is what GadgetFlow's controller
 * and its tests need.
 *
 * <p>With a {@link WorkerNode} it is the control plane of a cluster instead: the API server listens
 * on the node's address, kube-controller-manager and kube-scheduler run beside it, the node's
 * kubelet gets its kubeconfig ({@link #kubeletKubeconfig()}), and nothing of GadgetFlow is
 * installed (that is {@code kubectl gadget deploy}'s job).
 *
 * <p>Why not fabric8's kube-api-test, which starts the same two programs: it makes etcd, which has
 * no authentication here, listen on every interface, keeps its data only for one run, and brings
 * test libraries (JUnit, Mockito) at compile scope into what {@code gadgetflow up} ships.
 *
 * <p>Closing stops both programs and waits until they are gone; a shutdown hook does the same when
 * the JVM exits first. Programs left running by a JVM that was killed outright are stopped by the
 * next start on the same data directory.
 */
public final class LocalControlPlane implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalControlPlane.class);

  /** The API server answers a readiness probe within milliseconds once it listens. */
  private static final Duration READINESS_RECHECK_PAUSE = Duration.ofMillis(100);

  /** Ample for a readiness probe or for applying the CRD to a server that is up. */
  private static final Duration STARTUP_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final LocalControlPlaneConfig config;
  private final DataDirectoryLock lock;
  private final Thread shutdownHook;
  private ServerProcess etcd;
  private ServerProcess apiServer;
  private ServerProcess controllerManager;
  private ServerProcess scheduler;
  private String apiServerUrl;
  private boolean closed;

  private LocalControlPlane(LocalControlPlaneConfig config, DataDirectoryLock lock) {
    this.config = config;
    this.lock = lock;
    this.shutdownHook = Thread.ofPlatform().unstarted(this::close);
  }

  /**
   * Starts etcd and kube-apiserver on {@code config.dataDir()}, writes the kubeconfig and returns
   * once the Trace CRD is established.
   *
   * @throws ControlPlaneStartException when the data directory is in use, a port is taken, a
   *     program exits or the API server is not ready within {@code config.startTimeout()}
   */
  public static LocalControlPlane start(LocalControlPlaneConfig config) {
    LocalControlPlane controlPlane =
        new LocalControlPlane(config, DataDirectoryLock.acquire(config.dataDir()));
    try {
      Runtime.getRuntime().addShutdownHook(controlPlane.shutdownHook);
      controlPlane.startServers();
      return controlPlane;
    } catch (RuntimeException e) {
      ControlPlaneStartException failure =
          e instanceof ControlPlaneStartException startFailure
              ? startFailure
              : new ControlPlaneStartException(
                  "The control plane with data in "
                      + config.dataDir()
                      + " failed to start: "
                      + e.getMessage(),
                  e);
      try {
        controlPlane.close();
      } catch (RuntimeException closeFailure) {
        failure.addSuppressed(closeFailure);
      }
      throw failure;
    }
  }

  /**
   * @throws ControlPlaneStartException naming the program and the end of its log when one of them
   *     has exited
   */
  public void requireRunning() {
    for (ServerProcess program :
        new ServerProcess[] {etcd, apiServer, controllerManager, scheduler}) {
      if (program != null) {
        program.requireRunning();
      }
    }
  }

  /**
   * The API server's address, {@code https://127.0.0.1:<port>}, or with a worker node {@code
   * https://<node address>:443}.
   */
  public String apiServerUrl() {
    return apiServerUrl;
  }

  /** The administrator's kubeconfig, for kubectl and any other client. */
  public Path kubeconfig() {
    return config.kubeconfig();
  }

  /** The kubeconfig of the worker node's kubelet; only with a worker node. */
  public Path kubeletKubeconfig() {
    return componentKubeconfig("kubelet");
  }

  /** The authority that issued every certificate of this control plane, in PEM. */
  public Path caCertificate() {
    return config.dataDir().resolve("pki").resolve("ca.crt");
  }

  /** A new client acting as the cluster's administrator; the caller closes it. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(config.kubeconfig().toFile()))
        .build();
  }

  /**
   * Stops kube-scheduler and kube-controller-manager (with a worker node), kube-apiserver, then
   * etcd, and returns once all have exited.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      for (ServerProcess component : new ServerProcess[] {scheduler, controllerManager}) {
        if (component != null) {
          component.stop(config.stopTimeout());
        }
      }
      // The API server first: it drains its requests and watches while etcd still answers.
      // Without etcd its clean shutdown hangs, and there is nothing left to drain into anyway.
      if (apiServer != null) {
        if (etcd.isRunning()) {
          apiServer.stop(config.stopTimeout());
        } else {
          apiServer.kill();
        }
      }
      if (etcd != null) {
        etcd.stop(config.stopTimeout());
      }
      if (Thread.currentThread() != shutdownHook) {
        removeShutdownHook();
      }
    } finally {
      lock.close();
    }
    if (apiServerUrl != null) {
      LOG.info("Kubernetes API server on {} stopped", apiServerUrl);
    }
  }

  private void removeShutdownHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is exiting already; the hook will find this control plane closed.
    }
  }

  private void startServers() {
    long startNanos = System.nanoTime();
    long deadline = startNanos + config.startTimeout().toNanos();
    Path etcdData = config.dataDir().resolve("etcd");
    Path logs = config.dataDir().resolve("logs");
    WorkerNode node = config.workerNode();
    ClusterCertificates certificates =
        ClusterCertificates.loadOrCreate(config.dataDir().resolve("pki"), node);
    stopLeftovers(ControlPlaneCommands.tlsCertificateArgument(certificates));
    stopLeftovers(ControlPlaneCommands.dataDirArgument(etcdData));
    if (node != null) {
      for (String component : new String[] {"kube-controller-manager", "kube-scheduler"}) {
        stopLeftovers(ControlPlaneCommands.kubeconfigArgument(componentKubeconfig(component)));
      }
    }

    int[] freePorts = LoopbackPorts.freePorts(3);
    int etcdClientPort = freePorts[0];
    String apiServerHost = node == null ? LoopbackPorts.HOST : node.address();
    int apiServerPort =
        node != null
            ? requireFree(apiServerHost, WorkerNode.API_SERVER_PORT)
            : config.apiServerPort() == 0
                ? freePorts[2]
                : requireFree(apiServerHost, config.apiServerPort());
    // Under this object's lock, so a concurrent close(), such as the shutdown hook's, either
    // stops the program or keeps it from starting.
    synchronized (this) {
      requireNotClosed();
      etcd =
          ServerProcess.start(
              "etcd",
              ControlPlaneCommands.etcd(
                  config.binaries().etcd(), etcdData, certificates, etcdClientPort, freePorts[1]),
              logs.resolve("etcd.log"));
    }
    // Started at once rather than after etcd is healthy: kube-apiserver retries its etcd
    // connection, so both start-ups overlap, and a failing etcd still shows through its exit.
    synchronized (this) {
      requireNotClosed();
      apiServer =
          ServerProcess.start(
              "kube-apiserver",
              ControlPlaneCommands.kubeApiServer(
                  config.binaries().kubeApiServer(),
                  certificates,
                  etcdClientPort,
                  apiServerPort,
                  node),
              logs.resolve("kube-apiserver.log"));
    }
    String url = "https://" + apiServerHost + ":" + apiServerPort;
    Kubeconfig.write(config.kubeconfig(), Kubeconfig.yaml(url, certificates));

    try (KubernetesClient client = startupClient()) {
      awaitReady(client, deadline);
      LOG.debug(
          "API server ready after {} ms",
          Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
      if (node == null) {
        GadgetFlowResources.install(client, Duration.ofNanos(remainingNanos(deadline)));
      }
    }
    if (node != null) {
      startClusterComponents(url, certificates, logs);
    }
    apiServerUrl = url;
    LOG.info(
        "Kubernetes API server ready on {} in {} ms, data in {}, kubeconfig {}",
        url,
        Duration.ofNanos(System.nanoTime() - startNanos).toMillis(),
        config.dataDir(),
        config.kubeconfig());
  }

  /**
   * The kubeconfigs of the worker node's components, and kube-controller-manager and kube-scheduler
   * started: they wait for nothing but the API server, which is ready.
   */
  private void startClusterComponents(String url, ClusterCertificates certificates, Path logs) {
    Kubeconfig.write(
        kubeletKubeconfig(),
        Kubeconfig.yaml(
            url,
            certificates.caCertificate(),
            certificates.kubeletCertificate(),
            certificates.kubeletKey()));
    Path controllerManagerKubeconfig = componentKubeconfig("kube-controller-manager");
    Kubeconfig.write(
        controllerManagerKubeconfig,
        Kubeconfig.yaml(
            url,
            certificates.caCertificate(),
            certificates.controllerManagerCertificate(),
            certificates.controllerManagerKey()));
    Path schedulerKubeconfig = componentKubeconfig("kube-scheduler");
    Kubeconfig.write(
        schedulerKubeconfig,
        Kubeconfig.yaml(
            url,
            certificates.caCertificate(),
            certificates.schedulerCertificate(),
            certificates.schedulerKey()));
    synchronized (this) {
      requireNotClosed();
      controllerManager =
          ServerProcess.start(
              "kube-controller-manager",
              ControlPlaneCommands.kubeControllerManager(
                  config.clusterBinaries().kubeControllerManager(),
                  controllerManagerKubeconfig,
                  certificates),
              logs.resolve("kube-controller-manager.log"));
      scheduler =
          ServerProcess.start(
              "kube-scheduler",
              ControlPlaneCommands.kubeScheduler(
                  config.clusterBinaries().kubeScheduler(), schedulerKubeconfig),
              logs.resolve("kube-scheduler.log"));
    }
  }

  private Path componentKubeconfig(String component) {
    return config.dataDir().resolve("kubeconfigs").resolve(component);
  }

  /** Checked here, where the error can name the port; kube-apiserver's own would be in its log. */
  private static int requireFree(String host, int port) {
    try {
      LoopbackPorts.requireFree(host, port);
      return port;
    } catch (BindException e) {
      throw new ControlPlaneStartException(
          "The API server cannot listen on "
              + host
              + ":"
              + port
              + ": the port is already in use; stop what listens there or choose another port",
          e);
    }
  }

  private void stopLeftovers(String identifyingArgument) {
    List<Long> stopped = LeftoverProcesses.stop(identifyingArgument, config.stopTimeout());
    if (!stopped.isEmpty()) {
      LOG.warn(
          "Stopped processes {} that an earlier control plane on {} left running",
          stopped,
          config.dataDir());
    }
  }

  private void requireNotClosed() {
    if (closed) {
      throw new ControlPlaneStartException("The control plane was stopped while starting");
    }
  }

  private void awaitReady(KubernetesClient client, long deadline) {
    while (true) {
      etcd.requireRunning();
      apiServer.requireRunning();
      if (isReady(client)) {
        return;
      }
      if (remainingNanos(deadline) == 0) {
        throw new ControlPlaneStartException(
            "The API server was not ready within "
                + config.startTimeout()
                + "; see the logs in "
                + config.dataDir().resolve("logs"));
      }
      try {
        Thread.sleep(READINESS_RECHECK_PAUSE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ControlPlaneStartException("Interrupted while the API server started", e);
      }
    }
  }

  /** Ready means every check of {@code /readyz} passed, etcd and RBAC's bootstrap included. */
  private static boolean isReady(KubernetesClient client) {
    try {
      return "ok".equals(client.raw("/readyz"));
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  /**
   * Without request retries: the readiness probe repeats anyway, and the client's retries, with
   * their growing back-off, would only delay noticing that the server is ready or a program died.
   * With a short request timeout: while kube-apiserver starts without a reachable etcd, a request
   * can hang until it gives up, and the probe must come back to check the programs.
   */
  private KubernetesClient startupClient() {
    Config clientConfig = Config.fromKubeconfig(config.kubeconfig().toFile());
    clientConfig.setRequestRetryBackoffLimit(0);
    clientConfig.setConnectionTimeout((int) STARTUP_REQUEST_TIMEOUT.toMillis());
    clientConfig.setRequestTimeout((int) STARTUP_REQUEST_TIMEOUT.toMillis());
    return new KubernetesClientBuilder().withConfig(clientConfig).build();
  }

  private static long remainingNanos(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }
}
