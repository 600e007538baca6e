package io.gadgetflow.node;

import io.gadgetflow.api.config.Settings;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.kafka.EventForm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a node agent can be told, with the defaults it runs on when told nothing.
 *
 * @param nodeName the Kubernetes node this agent serves; Traces name it in {@code spec.node}
 * @param ringBufferBytes each gadget's kernel ring buffer, a power of two
 * @param eventQueueBytes the most bytes of events (JSON and a 24-byte header each) waiting for
 *     Kafka, in native memory; more are counted as lost, never block the ring reader. In bytes, not
 *     events: an exec event's JSON ranges from a few hundred bytes to many kilobytes, and a count
 *     high enough for short events would not fit the agent's memory with long ones
 * @param reportInterval how often running gadgets' counters are reported when they changed
 * @param fileOutputDirectory the only directory {@code outputMode: File} traces may write to
 * @param kafkaSecurity TLS and SASL settings of every Kafka client of the agent
 * @param containerAwareness whether the agent reads this node's pods from Kubernetes to know its
 *     containers; without, events name no pod and container filters are refused
 * @param kubeconfig how to reach Kubernetes, or null for the usual search: in a pod, its service
 *     account; else {@code KUBECONFIG} or {@code ~/.kube/config}
 * @param containerGracePeriod how long a stopped container stays known, so that its last events are
 *     still enriched
 * @param keyDirectory where the node's status key is kept ({@code <node>.key}, made when missing)
 *     for a controller that trusts the same directory, as on {@code gadgetflow up}; null: a new key
 *     at each start, registered with the controller through {@code serviceAccountTokenFile}
 * @param serviceAccountTokenFile the agent's projected service account token (audience {@code
 *     gadgetflow-node}), sent with its key on the registration topic; null: no registration
 * @param eventForm one record per event (the default, what every consumer reads) or batch records
 *     of several events of a trace, for nodes whose event rates the per-event form cannot carry
 */
public record NodeConfig(
    String nodeName,
    String kafkaBootstrapServers,
    TopicNames topics,
    int ringBufferBytes,
    int eventQueueBytes,
    Duration reportInterval,
    Path fileOutputDirectory,
    KafkaSecurity kafkaSecurity,
    boolean containerAwareness,
    Path kubeconfig,
    Duration containerGracePeriod,
    Path keyDirectory,
    Path serviceAccountTokenFile,
    EventForm eventForm) {

  public static final String DEFAULT_KAFKA_BOOTSTRAP_SERVERS = "localhost:9092";

  /**
   * Some 100,000 open events: 5 s of a node's 20,000 events/s while a lost broker's partitions wait
   * for new leaders and in-sync replicas (3.8 to 6.8 s on three brokers with a 3 s session,
   * docs/reliability.md), the producer's buffer holding more. 16 MiB lost 3,886 events in a 5.5 s
   * stall. Native memory outside the Java heap since issue 18 ({@code EventQueue}), resident only
   * as deep as the deepest backlog, so a node that never backs up this far never holds it; 8 MiB
   * lost three times as many events as 16 MiB at 400,000/s in bench/peers (docs/benchmarks.md,
   * "2026-12-07").
   */
  public static final int DEFAULT_EVENT_QUEUE_BYTES = 32 * 1024 * 1024;

  public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(2);
  public static final Path DEFAULT_FILE_OUTPUT_DIRECTORY = Path.of("/var/lib/gadgetflow/output");
  public static final Duration DEFAULT_CONTAINER_GRACE_PERIOD = Duration.ofSeconds(30);

  /**
   * Reads {@code GADGETFLOW_*} variables: {@code NODE_NAME}, {@code KAFKA_BOOTSTRAP_SERVERS},
   * {@code TOPIC_CONTROL}, {@code TOPIC_STATUS}, {@code TOPIC_EVENTS}, {@code RING_BUFFER_BYTES},
   * {@code EVENT_QUEUE_BYTES}, {@code REPORT_INTERVAL_SECONDS}, {@code FILE_OUTPUT_DIRECTORY}, the
   * {@code KAFKA_*} security settings of {@link KafkaSecurity#fromSettings}, {@code
   * CONTAINER_AWARENESS} ({@code true} or {@code false}, default true), {@code KUBECONFIG} (a
   * path), {@code CONTAINER_GRACE_PERIOD_SECONDS}, {@code TOPIC_NODES}, {@code NODE_KEY_DIRECTORY},
   * {@code SERVICE_ACCOUNT_TOKEN_FILE}, {@code EVENT_FORM} ({@code record} or {@code batch},
   * default record).
   */
  public static NodeConfig fromEnvironment(Map<String, String> env, String hostName) {
    Settings settings = new Settings(env);
    return new NodeConfig(
        settings.string("NODE_NAME", hostName),
        settings.string("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_KAFKA_BOOTSTRAP_SERVERS),
        new TopicNames(
            settings.string("TOPIC_CONTROL", TopicNames.DEFAULTS.control()),
            settings.string("TOPIC_STATUS", TopicNames.DEFAULTS.status()),
            settings.string("TOPIC_EVENTS", TopicNames.DEFAULTS.events()),
            settings.string("TOPIC_NODES", TopicNames.DEFAULTS.nodes())),
        settings.integer("RING_BUFFER_BYTES", GadgetOptions.DEFAULT_RING_BUFFER_BYTES),
        eventQueueBytes(settings),
        settings.seconds("REPORT_INTERVAL_SECONDS", DEFAULT_REPORT_INTERVAL),
        Path.of(settings.string("FILE_OUTPUT_DIRECTORY", DEFAULT_FILE_OUTPUT_DIRECTORY.toString())),
        KafkaSecurity.fromSettings(settings),
        containerAwareness(settings),
        settings.optional("KUBECONFIG").map(Path::of).orElse(null),
        settings.seconds("CONTAINER_GRACE_PERIOD_SECONDS", DEFAULT_CONTAINER_GRACE_PERIOD),
        settings.optional("NODE_KEY_DIRECTORY").map(Path::of).orElse(null),
        settings.optional("SERVICE_ACCOUNT_TOKEN_FILE").map(Path::of).orElse(null),
        eventForm(settings));
  }

  private static int eventQueueBytes(Settings settings) {
    if (settings.optional("EVENT_QUEUE_CAPACITY").isPresent()) {
      throw new IllegalArgumentException(
          Settings.PREFIX
              + "EVENT_QUEUE_CAPACITY (a number of events) is replaced by "
              + Settings.PREFIX
              + "EVENT_QUEUE_BYTES: the queue is bounded in bytes");
    }
    return settings.integer("EVENT_QUEUE_BYTES", DEFAULT_EVENT_QUEUE_BYTES);
  }

  private static boolean containerAwareness(Settings settings) {
    return switch (settings.string("CONTAINER_AWARENESS", "true").strip()) {
      case "true" -> true;
      case "false" -> false;
      case String other ->
          throw new IllegalArgumentException(
              Settings.PREFIX + "CONTAINER_AWARENESS must be true or false, not \"" + other + "\"");
    };
  }

  private static EventForm eventForm(Settings settings) {
    return switch (settings.string("EVENT_FORM", "record").strip()) {
      case "record" -> EventForm.RECORD;
      case "batch" -> EventForm.BATCH;
      case String other ->
          throw new IllegalArgumentException(
              Settings.PREFIX + "EVENT_FORM must be record or batch, not \"" + other + "\"");
    };
  }

  /**
   * The defaults, with plaintext Kafka as in tests and on one machine, and without container
   * awareness (see {@link #withContainerAwareness}).
   */
  public static NodeConfig defaults(String nodeName, String kafkaBootstrapServers) {
    return new NodeConfig(
        nodeName,
        kafkaBootstrapServers,
        TopicNames.DEFAULTS,
        GadgetOptions.DEFAULT_RING_BUFFER_BYTES,
        DEFAULT_EVENT_QUEUE_BYTES,
        DEFAULT_REPORT_INTERVAL,
        DEFAULT_FILE_OUTPUT_DIRECTORY,
        KafkaSecurity.PLAINTEXT,
        false,
        null,
        DEFAULT_CONTAINER_GRACE_PERIOD,
        null,
        null,
        EventForm.RECORD);
  }

  /** Another Kafka and this role's login to it ({@code gadgetflow up} gives each role a user). */
  public NodeConfig withKafka(String servers, KafkaSecurity security) {
    return new NodeConfig(
        nodeName,
        servers,
        topics,
        ringBufferBytes,
        eventQueueBytes,
        reportInterval,
        fileOutputDirectory,
        security,
        containerAwareness,
        kubeconfig,
        containerGracePeriod,
        keyDirectory,
        serviceAccountTokenFile,
        eventForm);
  }

  public NodeConfig withTopics(TopicNames names) {
    return new NodeConfig(
        nodeName,
        kafkaBootstrapServers,
        names,
        ringBufferBytes,
        eventQueueBytes,
        reportInterval,
        fileOutputDirectory,
        kafkaSecurity,
        containerAwareness,
        kubeconfig,
        containerGracePeriod,
        keyDirectory,
        serviceAccountTokenFile,
        eventForm);
  }

  public NodeConfig withRingBufferBytes(int bytes) {
    return new NodeConfig(
        nodeName,
        kafkaBootstrapServers,
        topics,
        bytes,
        eventQueueBytes,
        reportInterval,
        fileOutputDirectory,
        kafkaSecurity,
        containerAwareness,
        kubeconfig,
        containerGracePeriod,
        keyDirectory,
        serviceAccountTokenFile,
        eventForm);
  }

  public NodeConfig withReportInterval(Duration interval) {
    return new NodeConfig(
        nodeName,
        kafkaBootstrapServers,
        topics,
        ringBufferBytes,
        eventQueueBytes,
        interval,
        fileOutputDirectory,
        kafkaSecurity,
        containerAwareness,
        kubeconfig,
        containerGracePeriod,
        keyDirectory,
        serviceAccountTokenFile,
        eventForm);
  }

  public NodeConfig withFileOutputDirectory(Path directory) {
    return new NodeConfig(
        nodeName,
        kafkaBootstrapServers,
        topics,
        ringBufferBytes,
        eventQueueBytes,
        reportInterval,
        directory,
        kafkaSecurity,
        containerAwareness,
        kubeconfig,
        containerGracePeriod,
        keyDirectory,
        serviceAccountTokenFile,
        eventForm);
  }

  /** Keeps the node's status key in {@code directory}, which the controller trusts. */
  public NodeConfig withKeyDirectory(Path directory) {
    return new NodeConfig(
        nodeName,
        kafkaBootstrapServers,
        topics,
        ringBufferBytes,
        eventQueueBytes,
        reportInterval,
        fileOutputDirectory,
        kafkaSecurity,
        containerAwareness,
        kubeconfig,
        containerGracePeriod,
        directory,
        serviceAccountTokenFile,
        eventForm);
  }

  /** Registers a new key at each start with the service account token in {@code file}. */
  public NodeConfig withServiceAccountTokenFile(Path file) {
    return new NodeConfig(
        nodeName,
        kafkaBootstrapServers,
        topics,
        ringBufferBytes,
        eventQueueBytes,
        reportInterval,
        fileOutputDirectory,
        kafkaSecurity,
        containerAwareness,
        kubeconfig,
        containerGracePeriod,
        keyDirectory,
        file,
        eventForm);
  }

  /** Reads this node's pods through {@code kubeconfigOrNull} (null: the usual search). */
  public NodeConfig withContainerAwareness(Path kubeconfigOrNull) {
    return new NodeConfig(
        nodeName,
        kafkaBootstrapServers,
        topics,
        ringBufferBytes,
        eventQueueBytes,
        reportInterval,
        fileOutputDirectory,
        kafkaSecurity,
        true,
        kubeconfigOrNull,
        containerGracePeriod,
        keyDirectory,
        serviceAccountTokenFile,
        eventForm);
  }

  public NodeConfig withContainerGracePeriod(Duration period) {
    return new NodeConfig(
        nodeName,
        kafkaBootstrapServers,
        topics,
        ringBufferBytes,
        eventQueueBytes,
        reportInterval,
        fileOutputDirectory,
        kafkaSecurity,
        containerAwareness,
        kubeconfig,
        period,
        keyDirectory,
        serviceAccountTokenFile,
        eventForm);
  }

  /** Where this role's Kafka is and how its clients authenticate. */
  public KafkaClients kafka() {
    return new KafkaClients(kafkaBootstrapServers, kafkaSecurity);
  }
}
