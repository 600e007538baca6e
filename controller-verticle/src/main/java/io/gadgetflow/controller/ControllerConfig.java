package io.gadgetflow.controller;

import io.gadgetflow.api.config.Settings;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.controller.identity.NodeTrust;
import io.gadgetflow.controller.leader.LeaderElection;
import io.gadgetflow.controller.reconcile.TracePolicy;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the controller can be told, with the defaults it runs on when told nothing.
 *
 * @param watchNamespace the only namespace whose Traces are reconciled, or null for all
 * @param leaseNamespace namespace of the {@code Lease} that elects one acting replica
 * @param identity this replica's name in the Lease; unique per replica
 * @param operationTimeout how long a node may take to answer an operation before the Trace shows an
 *     error
 * @param deletionTimeout how long deletion waits for the node to confirm the gadget stopped
 * @param statusCountersInterval how long a change of a Trace's event counters alone may wait to be
 *     written into its status; zero writes each at once
 * @param statusCounterWritesPerSecond how many counter updates are written a second at most, over
 *     all Traces: with more running Traces than this times the interval, each Trace's counters are
 *     written less often
 * @param leaseTiming how the Lease is held; a standby acts at most its duration after a leader dies
 * @param cacheSyncTimeout how long the replica that takes the Lease waits for its first list of
 *     Traces before it starts acting again from scratch (controller-runtime's {@code
 *     CacheSyncTimeout}): a list whose response never completes would leave the Lease's holder
 *     doing nothing while its health says UP
 * @param kafkaSecurity TLS and SASL settings of every Kafka client of the controller
 * @param tracePolicy which namespaces' Traces trace the whole node, and where ExternalResources may
 *     be written besides a Trace's own namespace
 * @param nodeTrust where the keys that nodes sign their status records with are learned
 */
public record ControllerConfig(
    String kafkaBootstrapServers,
    TopicNames topics,
    String watchNamespace,
    String leaseNamespace,
    String leaseName,
    String identity,
    Duration operationTimeout,
    Duration deletionTimeout,
    Duration statusCountersInterval,
    int statusCounterWritesPerSecond,
    LeaderElection.Timing leaseTiming,
    Duration cacheSyncTimeout,
    KafkaSecurity kafkaSecurity,
    TracePolicy tracePolicy,
    NodeTrust nodeTrust) {

  public static final String DEFAULT_KAFKA_BOOTSTRAP_SERVERS = "localhost:9092";
  public static final String DEFAULT_LEASE_NAME = "gadgetflow-controller";
  public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_DELETION_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_STATUS_COUNTERS_INTERVAL = Duration.ofSeconds(10);
  public static final int DEFAULT_STATUS_COUNTER_WRITES_PER_SECOND = 20;

  /**
   * Far longer than a list of thousands of Traces takes (seconds, on a loaded API server: bench
   * fleet), short enough for a hung list to cost one retry of {@code kubectl gadget} at most.
   */
  public static final Duration DEFAULT_CACHE_SYNC_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Reads {@code GADGETFLOW_*} variables: {@code KAFKA_BOOTSTRAP_SERVERS}, {@code TOPIC_CONTROL},
   * {@code TOPIC_STATUS}, {@code TOPIC_EVENTS}, {@code WATCH_NAMESPACE}, {@code LEASE_NAMESPACE},
   * {@code LEASE_NAME}, {@code IDENTITY}, {@code OPERATION_TIMEOUT_SECONDS}, {@code
   * DELETION_TIMEOUT_SECONDS}, {@code STATUS_COUNTERS_INTERVAL_SECONDS}, {@code
   * STATUS_COUNTER_WRITES_PER_SECOND}, {@code NODE_WIDE_NAMESPACES} (comma-separated, default
   * {@code gadget}), {@code EXTERNAL_RESOURCE_NAMESPACES} (comma-separated, default none), and the
   * {@code LEASE_DURATION_SECONDS}, {@code LEASE_RENEW_DEADLINE_SECONDS}, {@code
   * LEASE_RETRY_PERIOD_SECONDS} (default 15, 10, 2; see {@link LeaderElection.Timing}), {@code
   * CACHE_SYNC_TIMEOUT_SECONDS} (default 30), the {@code KAFKA_*} security settings of {@link
   * KafkaSecurity#fromSettings}, {@code TOPIC_NODES}, {@code NODE_SERVICE_ACCOUNT} (default {@code
   * system:serviceaccount:gadget:gadgetflow-node}, {@code none} to read no registrations), {@code
   * NODE_TOKEN_AUDIENCE} (default {@code gadgetflow-node}), {@code TRUSTED_NODE_KEYS} (a directory
   * of node keys, default none).
   */
  public static ControllerConfig fromEnvironment(Map<String, String> env, String hostName) {
    Settings settings = new Settings(env);
    return new ControllerConfig(
        settings.string("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_KAFKA_BOOTSTRAP_SERVERS),
        new TopicNames(
            settings.string("TOPIC_CONTROL", TopicNames.DEFAULTS.control()),
            settings.string("TOPIC_STATUS", TopicNames.DEFAULTS.status()),
            settings.string("TOPIC_EVENTS", TopicNames.DEFAULTS.events()),
            settings.string("TOPIC_NODES", TopicNames.DEFAULTS.nodes())),
        settings.optional("WATCH_NAMESPACE").orElse(null),
        settings.string("LEASE_NAMESPACE", "gadget"),
        settings.string("LEASE_NAME", DEFAULT_LEASE_NAME),
        settings.string("IDENTITY", hostName),
        settings.seconds("OPERATION_TIMEOUT_SECONDS", DEFAULT_OPERATION_TIMEOUT),
        settings.seconds("DELETION_TIMEOUT_SECONDS", DEFAULT_DELETION_TIMEOUT),
        settings.seconds("STATUS_COUNTERS_INTERVAL_SECONDS", DEFAULT_STATUS_COUNTERS_INTERVAL),
        settings.integer(
            "STATUS_COUNTER_WRITES_PER_SECOND", DEFAULT_STATUS_COUNTER_WRITES_PER_SECOND),
        leaseTiming(settings),
        settings.seconds("CACHE_SYNC_TIMEOUT_SECONDS", DEFAULT_CACHE_SYNC_TIMEOUT),
        KafkaSecurity.fromSettings(settings),
        new TracePolicy(
            namespaces(settings.string("NODE_WIDE_NAMESPACES", Trace.DEFAULT_NAMESPACE)),
            namespaces(settings.string("EXTERNAL_RESOURCE_NAMESPACES", ""))),
        nodeTrust(settings));
  }

  public ControllerConfig {
    if (statusCounterWritesPerSecond < 1) {
      throw new IllegalArgumentException(
          Settings.PREFIX
              + "STATUS_COUNTER_WRITES_PER_SECOND must be at least 1, not "
              + statusCounterWritesPerSecond);
    }
    if (cacheSyncTimeout.isNegative() || cacheSyncTimeout.isZero()) {
      throw new IllegalArgumentException(
          Settings.PREFIX
              + "CACHE_SYNC_TIMEOUT_SECONDS must be positive, not "
              + cacheSyncTimeout.toSeconds());
    }
  }

  /**
   * The Lease's timing from {@code LEASE_DURATION_SECONDS}, {@code LEASE_RENEW_DEADLINE_SECONDS}
   * and {@code LEASE_RETRY_PERIOD_SECONDS}, each defaulting to {@link
   * LeaderElection.Timing#DEFAULT}'s; a combination a leader could not hold the Lease safely with
   * is refused, naming the variables.
   */
  private static LeaderElection.Timing leaseTiming(Settings settings) {
    LeaderElection.Timing defaults = LeaderElection.Timing.DEFAULT;
    Duration duration = settings.seconds("LEASE_DURATION_SECONDS", defaults.leaseDuration());
    Duration renewDeadline =
        settings.seconds("LEASE_RENEW_DEADLINE_SECONDS", defaults.renewDeadline());
    Duration retryPeriod = settings.seconds("LEASE_RETRY_PERIOD_SECONDS", defaults.retryPeriod());
    try {
      return new LeaderElection.Timing(duration, renewDeadline, retryPeriod);
    } catch (IllegalArgumentException e) {
      // Without the cause: the launcher tells the root cause's message, and this one names the
      // variables besides saying it.
      throw new IllegalArgumentException(
          "%1$sLEASE_DURATION_SECONDS=%2$d, %1$sLEASE_RENEW_DEADLINE_SECONDS=%3$d,"
                  .formatted(Settings.PREFIX, duration.toSeconds(), renewDeadline.toSeconds())
              + " %sLEASE_RETRY_PERIOD_SECONDS=%d: %s"
                  .formatted(Settings.PREFIX, retryPeriod.toSeconds(), e.getMessage()));
    }
  }

  /**
   * Registrations are reviewed unless {@code NODE_SERVICE_ACCOUNT} is {@code none}; a key directory
   * ({@code TRUSTED_NODE_KEYS}) may be trusted besides.
   */
  private static NodeTrust nodeTrust(Settings settings) {
    String serviceAccount =
        settings.string("NODE_SERVICE_ACCOUNT", NodeTrust.DEFAULT_NODE_SERVICE_ACCOUNT).strip();
    return new NodeTrust(
        settings.optional("TRUSTED_NODE_KEYS").map(Path::of).orElse(null),
        serviceAccount.equals("none") ? null : serviceAccount,
        settings.string("NODE_TOKEN_AUDIENCE", NodeTrust.DEFAULT_TOKEN_AUDIENCE));
  }

  private static Set<String> namespaces(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::strip)
        .filter(name -> !name.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Another Kafka and this role's login to it ({@code gadgetflow up} gives each role a user). */
  public ControllerConfig withKafka(String servers, KafkaSecurity security) {
    return new ControllerConfig(
        servers,
        topics,
        watchNamespace,
        leaseNamespace,
        leaseName,
        identity,
        operationTimeout,
        deletionTimeout,
        statusCountersInterval,
        statusCounterWritesPerSecond,
        leaseTiming,
        cacheSyncTimeout,
        security,
        tracePolicy,
        nodeTrust);
  }

  /** Another way of learning the nodes' status keys. */
  public ControllerConfig withNodeTrust(NodeTrust trust) {
    return new ControllerConfig(
        kafkaBootstrapServers,
        topics,
        watchNamespace,
        leaseNamespace,
        leaseName,
        identity,
        operationTimeout,
        deletionTimeout,
        statusCountersInterval,
        statusCounterWritesPerSecond,
        leaseTiming,
        cacheSyncTimeout,
        kafkaSecurity,
        tracePolicy,
        trust);
  }

  /** Where this role's Kafka is and how its clients authenticate. */
  public KafkaClients kafka() {
    return new KafkaClients(kafkaBootstrapServers, kafkaSecurity);
  }
}
