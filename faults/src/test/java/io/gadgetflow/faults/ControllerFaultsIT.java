package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.leader.LeaderElection;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.NodeKeyDirectory;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller killed with SIGKILL while operations are annotated: the real controller as
 * processes ({@code gadgetflow controller}), the real API server and broker, a node agent. Every
 * operation annotated before, during and after the fault is handed to the node exactly once and
 * answered exactly once, and the Traces end in the state their last operation asked for.
 *
 * <p>Of the operations annotated just before the kill, some were taken (moved to the
 * taken-operation annotation) and handed to Kafka by the killed replica, some not yet: the replica
 * that acts next hands over the ones the control topic does not hold, and only those (its reading
 * of the topic at start, {@code HandedOverOperations}).
 */
@WithKafka
@WithKubernetes
class ControllerFaultsIT {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerFaultsIT.class);
  private static final String NODE = "faults-controller-node";
  private static final int TRACES = 4;

  /**
   * Shorter than the default (15 s, 10 s, 2 s), for less CI time, but still longer than the status
   * consumer's group session (NodeReportConsumer.SESSION_TIMEOUT, 10 s): under it, the replica
   * acting next would hear no answer from the killed one's partitions until its session expired,
   * and its operation timeouts would show nodes that answered as silent.
   */
  private static final LeaderElection.Timing LEASE =
      new LeaderElection.Timing(
          Duration.ofSeconds(12), Duration.ofSeconds(8), Duration.ofSeconds(2));

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private final KubernetesCluster cluster;
  private final KafkaBroker kafka;
  private final List<ControllerProcess> replicas = new ArrayList<>();

  private Vertx vertx;
  private NumberedEvents events;
  private String namespace;
  private TopicNames topics;
  private Map<String, String> environment;
  private OperationLedger ledger;

  /** The replicas' logs, kept for a look after a failure. */
  private Path logs;

  ControllerFaultsIT(KubernetesCluster cluster, KafkaBroker kafka) {
    this.cluster = cluster;
    this.kafka = kafka;
  }

  @BeforeEach
  void platform(TestInfo test) throws Exception {
    logs =
        Files.createDirectories(
            Path.of("target", "controller-faults", test.getTestMethod().orElseThrow().getName()));
    namespace = cluster.createNamespace("faults-controller");
    topics = FaultTopics.create(kafka);
    Path nodeKeys = NodeKeyDirectory.temporary();
    environment =
        new HashMap<>(ControllerProcess.environment(cluster, kafka, topics, namespace, nodeKeys));
    environment.put(
        "GADGETFLOW_LEASE_DURATION_SECONDS", Long.toString(LEASE.leaseDuration().toSeconds()));
    environment.put(
        "GADGETFLOW_LEASE_RENEW_DEADLINE_SECONDS",
        Long.toString(LEASE.renewDeadline().toSeconds()));
    environment.put(
        "GADGETFLOW_LEASE_RETRY_PERIOD_SECONDS", Long.toString(LEASE.retryPeriod().toSeconds()));
    ledger = new OperationLedger(cluster, namespace, kafka, topics, TIMEOUT);
    vertx = Vertx.vertx();
    events = new NumberedEvents(100, NODE);
    FaultSteps.deployAgent(
        vertx,
        NodeConfig.defaults(NODE, kafka.bootstrapServers())
            .withTopics(topics)
            .withKeyDirectory(nodeKeys),
        events);
  }

  @AfterEach
  void stop() throws Exception {
    for (ControllerProcess replica : replicas) {
      replica.close();
    }
    events.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
  }

  /**
   * Two replicas; the acting one killed while stops are annotated: the standby takes the Lease
   * within its duration (plus the retry period it tries in) and runs every operation left, none
   * twice.
   */
  @Test
  void aStandbyTakesOverAndEveryOperationRunsOnce() throws Exception {
    ControllerProcess first = replica("replica-a");
    ControllerProcess second = replica("replica-b");
    startTraces();
    Lease held = lease().get();
    ControllerProcess acting =
        held.getSpec().getHolderIdentity().equals(first.identity()) ? first : second;
    ControllerProcess standby = acting == first ? second : first;
    await(
        "the standby saw who holds the Lease",
        () -> logged(standby, "is held by " + acting.identity()));

    long killedAt = System.nanoTime();
    ZonedDateTime lastRenewal = strike(acting);
    await(
        "the standby holds the Lease",
        () -> standby.identity().equals(lease().get().getSpec().getHolderIdentity()));
    Duration takeover = Duration.between(lastRenewal, lease().get().getSpec().getAcquireTime());
    Duration operationsRecovered = awaitOperationsAfterStrike(killedAt);
    LOG.info(
        "controller-standby: Lease taken {} ms after the killed replica's last renewal; every"
            + " operation answered {} ms after the kill",
        takeover.toMillis(),
        operationsRecovered.toMillis());

    // The last renewal read may be a renewal period old; fabric8 waits its retry period with a
    // jitter of up to 1.2 times it between attempts.
    assertThat(takeover)
        .as("the standby acts within the Lease duration and the periods it renews and retries in")
        .isLessThanOrEqualTo(
            LEASE
                .leaseDuration()
                .plus(LEASE.retryPeriod().multipliedBy(32).dividedBy(10))
                .plusSeconds(1));
    assertEveryOperationRanOnce();
  }

  /**
   * The only replica killed, and started again (a new pod, a new identity in the Lease): the
   * operations annotated meanwhile run once it acts, those the killed one had handed over do not
   * run again.
   */
  @Test
  void aRestartedControllerRunsWhatWasAnnotatedMeanwhileAndNothingTwice() throws Exception {
    ControllerProcess killed = replica("replica-1");
    startTraces();

    long killedAt = System.nanoTime();
    strike(killed);
    ControllerProcess restarted = replica("replica-2");
    Duration operationsRecovered = awaitOperationsAfterStrike(killedAt);
    assertThat(lease().get().getSpec().getHolderIdentity()).isEqualTo(restarted.identity());
    LOG.info(
        "controller-restart: every operation answered {} ms after the kill",
        operationsRecovered.toMillis());

    assertEveryOperationRanOnce();
  }

  private ControllerProcess replica(String identity) throws Exception {
    ControllerProcess replica = ControllerProcess.start(identity, environment, logs);
    replicas.add(replica);
    return replica;
  }

  /** Creates the Traces and starts them; returns once the node runs every one. */
  private void startTraces() {
    for (String name : names()) {
      ledger.create(name, NODE, "execsnoop", "Stream", null);
      ledger.annotate(name, "start");
    }
    ledger.awaitState(TraceState.STARTED, names().toArray(String[]::new));
  }

  /**
   * Stops half of the Traces, kills {@code replica} with SIGKILL at once, then stops the other
   * half; returns the Lease's last renewal before the kill.
   */
  private ZonedDateTime strike(ControllerProcess replica) throws Exception {
    List<String> names = names();
    names.subList(0, TRACES / 2).forEach(name -> ledger.annotate(name, "stop"));
    ZonedDateTime lastRenewal = lease().get().getSpec().getRenewTime();
    replica.kill();
    names.subList(TRACES / 2, TRACES).forEach(name -> ledger.annotate(name, "stop"));
    return lastRenewal;
  }

  /**
   * Waits until every Trace is stopped, then starts the first again: an operation annotated once a
   * replica acts again. Returns the time from the kill until every stop was answered.
   */
  private Duration awaitOperationsAfterStrike(long killedAt) {
    ledger.awaitState(TraceState.STOPPED, names().toArray(String[]::new));
    Duration recovered = Duration.ofNanos(System.nanoTime() - killedAt);
    String first = names().getFirst();
    ledger.annotate(first, "start");
    ledger.awaitState(TraceState.STARTED, first);
    return recovered;
  }

  /**
   * Every operation annotated was handed to the node once (one control record under its id) and
   * answered once (one answer under its id on the status topic; counter updates repeat an answer
   * and are not counted).
   */
  private void assertEveryOperationRanOnce() {
    assertThat(ledger.errorsSeen())
        .as("no Trace showed an error: the node answered every operation, once handed over")
        .isEmpty();
    for (ControllerProcess replica : replicas) {
      assertThat(logOf(replica))
          .as("%s heard every answer within the operation timeout", replica.identity())
          .doesNotContain("action=node-silent");
    }
    ledger.assertEveryOperationRanOnce();
  }

  private void await(String description, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime())
          .as("%s within %s; replicas alive: %s", description, TIMEOUT, alive())
          .isLessThan(deadline);
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private Map<String, Boolean> alive() {
    Map<String, Boolean> alive = new HashMap<>();
    replicas.forEach(replica -> alive.put(replica.identity(), replica.isAlive()));
    return alive;
  }

  private static boolean logged(ControllerProcess replica, String text) {
    return logOf(replica).contains(text);
  }

  private static String logOf(ControllerProcess replica) {
    try {
      return replica.log();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Resource<Lease> lease() {
    return client().leases().inNamespace(namespace).withName(ControllerConfig.DEFAULT_LEASE_NAME);
  }

  private KubernetesClient client() {
    return cluster.client();
  }

  private static List<String> names() {
    return IntStream.range(0, TRACES).mapToObj(i -> "trace-" + i).toList();
  }
}
