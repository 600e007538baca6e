package io.gadgetflow.cli.platform;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.kafka.KafkaRole;
import io.gadgetflow.local.DataDirectories;
import io.gadgetflow.local.kafka.EmbeddedKafka;
import io.gadgetflow.local.kafka.EmbeddedKafkaConfig;
import io.gadgetflow.local.kafka.KafkaCredentials;
import io.gadgetflow.local.kube.ClusterBinaries;
import io.gadgetflow.local.kube.ControlPlaneBinaries;
import io.gadgetflow.local.kube.LocalControlPlane;
import io.gadgetflow.local.kube.LocalControlPlaneConfig;
import io.gadgetflow.local.kube.WorkerNode;
import io.gadgetflow.local.node.ClusterLock;
import io.gadgetflow.local.node.LocalNode;
import io.gadgetflow.local.node.LocalNodeConfig;
import io.gadgetflow.local.node.NodePrograms;
import io.gadgetflow.local.node.PodNetwork;
import io.gadgetflow.web.WebConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A single-node Kubernetes cluster on this machine, made of real parts, with GadgetFlow deployed on
 * it the way a user deploys it: etcd, kube-apiserver, kube-controller-manager and kube-scheduler
 * (built from Kubernetes' Go modules), a kubelet with Debian's containerd and runc, the images
 * built here, and {@code kubectl gadget deploy --wait} applying {@code k8s/install} against a Kafka
 * the pods reach over TLS, each role with its own user (its Secret made here) and ACLs. Closing
 * stops and removes everything it started, the last started first; it may be called while the
 * cluster starts (Ctrl-C then), which stops the start.
 */
public final class LocalCluster implements AutoCloseable {
  /** The node's address, where the API server, the kubelet and Kafka listen (see PodNetwork). */
  static final String NODE_ADDRESS = "198.18.0.1";

  /** Its first address is the kubernetes service's, which must be the node's address. */
  static final String SERVICE_IP_RANGE = "198.18.0.0/24";

  private static final String GADGETFLOW_NAMESPACE = "gadget";
  private static final String WEB_SERVICE = "gadgetflow-web";

  /** The cluster's administrator, for the dashboard (which takes tokens, not certificates). */
  private static final String DASHBOARD_ACCOUNT = "dashboard-admin";

  private static final String DASHBOARD_ACCOUNT_NAMESPACE = "kube-system";
  private static final long DASHBOARD_TOKEN_SECONDS = 24 * 3600;

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private boolean closed;
  private String nodeName;
  private Path kubeconfig;
  private String kafkaBootstrapServers;
  private Path viewerKafkaProperties;
  private String dashboardUrl;

  /**
   * Starts every part and deploys GadgetFlow, saying on {@code progress} what it waits for, and
   * showing {@code kubectl gadget deploy}'s output line by line on {@code deployOutput}.
   *
   * @throws PlatformException when a part cannot start, or the cluster was closed meanwhile; what
   *     did start is stopped again
   */
  public void start(
      LocalClusterOptions options, Consumer<String> progress, Consumer<String> deployOutput) {
    HostChecks.requireNodeAgentPrivileges();
    NodePrograms.requirePresent();
    try {
      startAll(options, progress, deployOutput);
    } catch (RuntimeException e) {
      close();
      throw e instanceof PlatformException ? e : new PlatformException(e.getMessage(), e);
    }
  }

  public String nodeName() {
    return nodeName;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public String kafkaBootstrapServers() {
    return kafkaBootstrapServers;
  }

  /** The client properties file that lets {@code kubectl gadget} on this host in as a viewer. */
  public Path viewerKafkaProperties() {
    return viewerKafkaProperties;
  }

  /** Where the user opens the dashboard, signed in as the cluster's administrator. */
  public String dashboardUrl() {
    return dashboardUrl;
  }

  private void startAll(
      LocalClusterOptions options, Consumer<String> progress, Consumer<String> deployOutput) {
    if (!options.otherClusterTimeout().isZero()) {
      progress.accept(
          "waiting up to "
              + options.otherClusterTimeout().toSeconds()
              + " s for any other GadgetFlow cluster of this machine to stop");
    }
    own(ClusterLock.acquire(options.otherClusterTimeout()));
    nodeName = options.nodeName();
    WorkerNode node = new WorkerNode(nodeName, NODE_ADDRESS, SERVICE_IP_RANGE);
    Path kubeData = options.dataDir().resolve("kube");
    Path kafkaData = options.dataDir().resolve("kafka");
    Path kafkaCredentials = options.dataDir().resolve("kafka-credentials");
    // A new cluster every run: only the images are worth keeping.
    DataDirectories.delete(kubeData);
    DataDirectories.delete(kafkaData);
    DataDirectories.delete(kafkaCredentials);

    progress.accept(
        "creating the node's network (bridge "
            + PodNetwork.DEFAULT.bridge()
            + ", address "
            + NODE_ADDRESS
            + ")");
    PodNetwork.DEFAULT.create(NODE_ADDRESS);
    own(PodNetwork.DEFAULT::remove);

    progress.accept(
        "starting containerd, Kafka, etcd, kube-apiserver, kube-controller-manager and"
            + " kube-scheduler (data in "
            + options.dataDir()
            + ")");
    ClusterBinaries clusterBinaries = ClusterBinaries.fromEnvironment();
    LocalNodeConfig nodeConfig =
        new LocalNodeConfig(
            node,
            PodNetwork.DEFAULT,
            clusterBinaries,
            options.dataDir().resolve("node"),
            options.imageStore(),
            options.imageArchive(),
            LocalNodeConfig.SANDBOX_IMAGE,
            LocalNodeConfig.DEFAULT_START_TIMEOUT,
            LocalNodeConfig.DEFAULT_STOP_GRACE_PERIOD);
    // up's broker (per-role SCRAM users and ACLs), with TLS: pods reach it over the node's bridge.
    // Users, passwords and certificates are made into the owner-only kafka-credentials.
    EmbeddedKafkaConfig kafkaConfig =
        EmbeddedKafkaConfig.defaults()
            .withDataDir(kafkaData)
            .withCredentialsDir(kafkaCredentials)
            .withHost(NODE_ADDRESS)
            .withPort(options.kafkaPort())
            .withTls();
    LocalControlPlaneConfig controlPlaneConfig =
        LocalControlPlaneConfig.inDirectory(ControlPlaneBinaries.fromEnvironment(), kubeData)
            .withWorkerNode(node, clusterBinaries);
    // The three take seconds each and need nothing of each other.
    CompletableFuture<EmbeddedKafka> kafka = startAsync(() -> EmbeddedKafka.start(kafkaConfig));
    CompletableFuture<LocalControlPlane> controlPlane =
        startAsync(() -> LocalControlPlane.start(controlPlaneConfig));
    CompletableFuture<LocalNode> runtime = startAsync(() -> LocalNode.prepare(nodeConfig));
    // All three ended, started or not, before any failure is reported: a part that starts after
    // the failure was reported would never be stopped.
    CompletableFuture.allOf(kafka, controlPlane, runtime).exceptionally(failure -> null).join();
    EmbeddedKafka broker = joinStarted(kafka);
    LocalControlPlane apiServer = joinStarted(controlPlane);
    LocalNode localNode = joinStarted(runtime);
    kafkaBootstrapServers = broker.bootstrapServers();
    KafkaCredentials credentials = broker.credentials().orElseThrow();
    viewerKafkaProperties = credentials.clientProperties(KafkaRole.VIEWER);
    kubeconfig = apiServer.kubeconfig();

    progress.accept("starting the kubelet of node " + nodeName);
    KubernetesClient client = apiServer.newClient();
    own(client);
    localNode.join(apiServer.kubeletKubeconfig(), apiServer.caCertificate(), client);

    progress.accept(
        "creating each role's Kafka Secret (gadgetflow-kafka-node, -controller, -web) in namespace "
            + GADGETFLOW_NAMESPACE);
    KafkaRoleSecrets.create(client, GADGETFLOW_NAMESPACE, credentials);

    progress.accept(
        "deploying GadgetFlow: kubectl gadget deploy --wait --kafka-bootstrap "
            + kafkaBootstrapServers);
    deploy(options, deployOutput);

    ServiceRelay dashboard =
        ServiceRelay.start(
            client, GADGETFLOW_NAMESPACE, WEB_SERVICE, "http", options.dashboardPort());
    own(dashboard);
    dashboardUrl = dashboard.url() + "/#token=" + administratorToken(client);
  }

  /** Starts a part on a thread of its own; once started, it is stopped with the cluster. */
  private <T extends AutoCloseable> CompletableFuture<T> startAsync(Supplier<T> start) {
    return CompletableFuture.supplyAsync(
        () -> own(start.get()), runnable -> Thread.ofPlatform().start(runnable));
  }

  /**
   * Stops {@code part} with the cluster, or at once when the cluster was closed while it started.
   */
  private <T extends AutoCloseable> T own(T part) {
    synchronized (started) {
      if (!closed) {
        started.push(part);
        return part;
      }
    }
    try {
      part.close();
    } catch (Exception e) {
      System.err.println("gadgetflow: while stopping: " + e.getMessage());
    }
    throw new PlatformException("The cluster was stopped while it started");
  }

  private static <T> T joinStarted(CompletableFuture<T> part) {
    try {
      return part.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause
          ? cause
          : new PlatformException(e.getCause().getMessage(), e.getCause());
    }
  }

  /** Runs {@code kubectl gadget deploy --wait}, its output shown on {@code output}. */
  private void deploy(LocalClusterOptions options, Consumer<String> output) {
    List<String> command =
        List.of(
            options.kubectlGadget().toString(),
            "deploy",
            "--wait",
            "--timeout",
            Long.toString(options.deployTimeout().toSeconds()),
            "--kubeconfig",
            kubeconfig.toString(),
            "--kafka-bootstrap",
            kafkaBootstrapServers);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      own(process::destroyForcibly);
      process.getOutputStream().close();
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        lines.lines().forEach(output);
      }
      int exitCode = process.waitFor();
      if (exitCode != 0) {
        throw new PlatformException(
            "kubectl gadget deploy failed with exit code "
                + exitCode
                + " (its output is above); the pods' logs: kubectl --kubeconfig "
                + kubeconfig
                + " logs -n "
                + GADGETFLOW_NAMESPACE
                + " <pod>");
      }
    } catch (IOException e) {
      throw new PlatformException(
          "Cannot run " + options.kubectlGadget() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException("Interrupted while deploying GadgetFlow", e);
    }
  }

  /**
   * A token of a service account bound to {@code cluster-admin}: the dashboard takes Kubernetes
   * tokens, and the person who started the cluster holds its administrator's kubeconfig anyway.
   */
  private static String administratorToken(KubernetesClient client) {
    client
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(DASHBOARD_ACCOUNT)
                .withNamespace(DASHBOARD_ACCOUNT_NAMESPACE)
                .endMetadata()
                .build())
        .serverSideApply();
    client
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName(DASHBOARD_ACCOUNT)
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName("cluster-admin")
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(DASHBOARD_ACCOUNT)
                .withNamespace(DASHBOARD_ACCOUNT_NAMESPACE)
                .endSubject()
                .build())
        .serverSideApply();
    return client
        .serviceAccounts()
        .inNamespace(DASHBOARD_ACCOUNT_NAMESPACE)
        .withName(DASHBOARD_ACCOUNT)
        .tokenRequest(
            new TokenRequestBuilder()
                .withNewSpec()
                // The web UI accepts only tokens for its own audience (the manifests keep its
                // default).
                .withAudiences(WebConfig.DEFAULT_TOKEN_AUDIENCE)
                .withExpirationSeconds(DASHBOARD_TOKEN_SECONDS)
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }

  /** Stops every part this cluster started, the last started first. */
  @Override
  public void close() {
    while (true) {
      AutoCloseable part;
      synchronized (started) {
        closed = true;
        if (started.isEmpty()) {
          return;
        }
        part = started.pop();
      }
      try {
        part.close();
      } catch (Exception e) {
        System.err.println("gadgetflow: while stopping: " + e.getMessage());
      }
    }
  }
}
