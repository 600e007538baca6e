package io.gadgetflow.cli.platform;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gadgetflow.api.config.Settings;
import io.gadgetflow.api.kafka.KafkaRole;
import io.gadgetflow.cli.monitoring.Monitoring;
import io.gadgetflow.cli.monitoring.MonitoringConfig;
import io.gadgetflow.cli.monitoring.RoleHealth;
import io.gadgetflow.cli.monitoring.RoleSupervision;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.ControllerVerticle;
import io.gadgetflow.controller.identity.NodeTrust;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.local.kafka.ContractTopics;
import io.gadgetflow.local.kafka.EmbeddedKafka;
import io.gadgetflow.local.kafka.EmbeddedKafkaConfig;
import io.gadgetflow.local.kafka.KafkaCredentials;
import io.gadgetflow.local.kafka.KafkaTopics;
import io.gadgetflow.local.kube.ControlPlaneBinaries;
import io.gadgetflow.local.kube.GadgetFlowResources;
import io.gadgetflow.local.kube.LocalControlPlane;
import io.gadgetflow.local.kube.LocalControlPlaneConfig;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import io.gadgetflow.web.WebConfig;
import io.gadgetflow.web.WebVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;

/**
 * The whole platform in this process: Kafka (embedded or given), Kubernetes (a local control plane
 * or a given cluster), the controller, this machine's node agent and the web UI. Kafka and
 * Kubernetes start side by side; closing it stops what it started, last started first.
 */
public final class LocalPlatform implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> ROLES = List.of("controller", "node", "web");

  /** Pushed to by the thread that starts Kafka and by the caller's. */
  private final Deque<AutoCloseable> started = new ConcurrentLinkedDeque<>();

  private String kafkaBootstrapServers;

  /**
   * How each role logs in to Kafka: its own user on the embedded broker, else the environment's.
   */
  private Function<KafkaRole, KafkaSecurity> kafkaSecurity;

  /** The viewer's client properties file for kubectl gadget, or null with a given Kafka. */
  private Path viewerKafkaProperties;

  private Path kubeconfig;
  private String dashboardUrl;
  private String monitoringUrl;

  private LocalPlatform() {}

  /**
   * Starts every part, saying on {@code progress} what it waits for.
   *
   * @throws PlatformException when a part cannot start; what did start is stopped again
   */
  public static LocalPlatform start(LocalPlatformOptions options, Consumer<String> progress) {
    HostChecks.requireNodeAgentPrivileges();
    LocalPlatform platform = new LocalPlatform();
    try {
      // Kafka and Kubernetes do not need each other: the two longest steps run side by side.
      FutureTask<Void> kafka =
          inParallel("gadgetflow-start-kafka", () -> platform.startKafka(options, progress));
      KubernetesClient client;
      try {
        client = platform.startKubernetes(options, progress);
      } catch (RuntimeException e) {
        awaitEnd(kafka).ifPresent(e::addSuppressed); // close() then stops the broker too
        throw e;
      }
      awaitEnd(kafka).ifPresent(LocalPlatform::rethrow);
      platform.startVerticles(options, client, progress);
      return platform;
    } catch (RuntimeException e) {
      platform.close();
      throw e instanceof PlatformException ? e : new PlatformException(e.getMessage(), e);
    }
  }

  private static FutureTask<Void> inParallel(String threadName, Runnable step) {
    FutureTask<Void> task = new FutureTask<>(step, null);
    Thread.ofPlatform().name(threadName).start(task);
    return task;
  }

  /** What a {@link Runnable} throws is unchecked. */
  private static void rethrow(Throwable failure) {
    if (failure instanceof Error error) {
      throw error;
    }
    throw (RuntimeException) failure;
  }

  /** Waits until the step has ended (it bounds its own waits); what it threw, if anything. */
  private static Optional<Throwable> awaitEnd(FutureTask<Void> step) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          step.get();
          return Optional.empty();
        } catch (ExecutionException e) {
          return Optional.of(e.getCause());
        } catch (InterruptedException e) {
          interrupted = true; // the step must end before close() can stop what it started
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public String kafkaBootstrapServers() {
    return kafkaBootstrapServers;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * The client properties file that lets {@code kubectl gadget} read the embedded broker as a
   * viewer; empty when the platform uses a given Kafka.
   */
  public Optional<Path> viewerKafkaProperties() {
    return Optional.ofNullable(viewerKafkaProperties);
  }

  /** Where {@code /health} and {@code /metrics} of every role are. */
  public String monitoringUrl() {
    return monitoringUrl;
  }

  /** Where the user opens the dashboard; it carries the token that lets them in. */
  public String dashboardUrl() {
    return dashboardUrl;
  }

  private void startKafka(LocalPlatformOptions options, Consumer<String> progress) {
    if (options.kafkaBootstrapServers() != null) {
      progress.accept("creating the GadgetFlow topics on Kafka " + options.kafkaBootstrapServers());
      kafkaBootstrapServers = options.kafkaBootstrapServers();
      KafkaSecurity fromEnvironment = KafkaSecurity.fromSettings(new Settings(System.getenv()));
      kafkaSecurity = role -> fromEnvironment;
      KafkaClients kafka = new KafkaClients(kafkaBootstrapServers, fromEnvironment);
      try (Admin admin = Admin.create(kafka.admin("gadgetflow-up"))) {
        new KafkaTopics(admin).ensure(ContractTopics.DEFAULTS.newTopics(), READY_TIMEOUT);
      }
      return;
    }
    EmbeddedKafkaConfig config =
        EmbeddedKafkaConfig.defaults()
            .withDataDir(options.dataDir().resolve("kafka"))
            .withCredentialsDir(options.dataDir().resolve("kafka-credentials"))
            .withPort(options.kafkaPort());
    progress.accept("starting Kafka (data in " + config.dataDir() + ")");
    EmbeddedKafka kafka = EmbeddedKafka.start(config);
    started.push(kafka);
    kafkaBootstrapServers = kafka.bootstrapServers();
    KafkaCredentials credentials = kafka.credentials().orElseThrow();
    // Each role through its own client properties file, as any client of this broker logs in.
    kafkaSecurity = role -> KafkaSecurity.fromPropertiesFile(credentials.clientProperties(role));
    viewerKafkaProperties = credentials.clientProperties(KafkaRole.VIEWER);
  }

  private KubernetesClient startKubernetes(
      LocalPlatformOptions options, Consumer<String> progress) {
    KubernetesClient client;
    if (options.kubeconfig() != null) {
      progress.accept("installing the Trace CRD into the cluster of " + options.kubeconfig());
      kubeconfig = options.kubeconfig();
      client = new KubernetesClientBuilder().withConfig(KubeconfigFile.read(kubeconfig)).build();
      started.push(client);
      GadgetFlowResources.install(client, READY_TIMEOUT);
    } else {
      LocalControlPlaneConfig config =
          LocalControlPlaneConfig.inDirectory(
                  ControlPlaneBinaries.fromEnvironment(), options.dataDir().resolve("kube"))
              .withApiServerPort(options.apiServerPort());
      progress.accept("starting etcd and kube-apiserver (data in " + config.dataDir() + ")");
      LocalControlPlane controlPlane = LocalControlPlane.start(config);
      started.push(controlPlane);
      kubeconfig = controlPlane.kubeconfig();
      client = controlPlane.newClient();
      started.push(client);
      registerNode(client, options.nodeName());
    }
    return client;
  }

  /**
   * The Node object a kubelet would register for this machine, so that clients that look for the
   * cluster's nodes, such as kubectl gadget, find the one node agent runs on.
   */
  private static void registerNode(KubernetesClient client, String nodeName) {
    client
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName(nodeName).endMetadata().build())
        .fieldManager("gadgetflow-up")
        .forceConflicts()
        .serverSideApply();
  }

  private void startVerticles(
      LocalPlatformOptions options, KubernetesClient client, Consumer<String> progress) {
    Vertx vertx = Vertx.vertx();
    Monitoring monitoring =
        new Monitoring(MonitoringConfig.fromEnvironment(System.getenv()).forLocalPlatform());
    started.push(
        () -> {
          monitoring.health().stopping();
          await(vertx.close());
        });
    for (String role : ROLES) {
      monitoring.health().set(role, RoleHealth.State.STARTING);
    }
    await(monitoring.start(vertx));
    monitoringUrl = monitoring.url();
    MeterRegistry registry = monitoring.registry();
    progress.accept("starting the controller and the node agent for node " + options.nodeName());
    // The one node agent's status key, made by the agent in the owner-only data directory and
    // trusted from there: no registration, no service account token on one machine.
    Path nodeKeys = options.dataDir().resolve("node-keys");
    ControllerConfig controller =
        ControllerConfig.fromEnvironment(System.getenv(), options.nodeName())
            .withKafka(kafkaBootstrapServers, kafkaSecurity.apply(KafkaRole.CONTROLLER))
            .withNodeTrust(NodeTrust.directory(nodeKeys));
    NodeConfig node =
        NodeConfig.fromEnvironment(System.getenv(), options.nodeName())
            .withKafka(kafkaBootstrapServers, kafkaSecurity.apply(KafkaRole.NODE))
            .withKeyDirectory(nodeKeys);
    await(
        vertx.deployVerticle(
            new ControllerVerticle(controller, client, Clock.systemUTC(), registry)));
    monitoring.health().set("controller", RoleHealth.State.UP);
    // The node agent reads pods with the platform's client: the pods of this node, if any.
    NodeVerticle agent =
        new NodeVerticle(
            node, node.containerAwareness() ? client : null, Clock.systemUTC(), registry);
    await(vertx.deployVerticle(agent));
    monitoring.health().set("node", RoleHealth.State.UP);
    watch("node", agent, monitoring);
    progress.accept("starting the web UI");
    WebConfig webConfig =
        WebConfig.fromEnvironment(System.getenv())
            .withKafka(kafkaBootstrapServers, kafkaSecurity.apply(KafkaRole.WEB))
            .forLocalPlatform(options.nodeName());
    WebVerticle web = new WebVerticle(webConfig, client, Clock.systemUTC(), registry);
    await(vertx.deployVerticle(web));
    monitoring.health().set("web", RoleHealth.State.UP);
    watch("web", web, monitoring);
    dashboardUrl = web.dashboardUrl();
  }

  /** A role that lost a part ends the platform: {@code gadgetflow up} exits non-zero. */
  private static void watch(String role, Object verticle, Monitoring monitoring) {
    RoleSupervision.watch(
        role, verticle, monitoring.health(), System.err::println, RoleSupervision::exitSoon);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new PlatformException(e.getMessage(), e);
    }
  }

  /** Stops every part this platform started, the last started first. */
  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        System.err.println("gadgetflow: while stopping: " + e.getMessage());
      }
    }
  }
}
