package io.gadgetflow.web;

import io.gadgetflow.api.config.Settings;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.web.rest.EventSocketLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Everything the web UI can be told, with the defaults it runs on when told nothing.
 *
 * @param host the address the HTTP server binds
 * @param port the HTTP port; 0 picks a free one
 * @param localMode true when one person runs the platform on their machine ({@code gadgetflow up}):
 *     the server then acts with the kubeconfig it was given and accepts only the launch token it
 *     prints; false in a cluster, where each request's Kubernetes token is reviewed
 * @param allowedOrigins origins whose pages may open websockets; empty means the page's own origin
 * @param knownNodes nodes known to run an agent without having reported one yet, e.g. this machine
 *     under {@code gadgetflow up}
 * @param nodeWindow how far back node reports count as a sign that a node runs an agent
 * @param replayEvents how many earlier events a new websocket receives first, unless it asks for
 *     another number
 * @param socketQueueEvents events one websocket may have waiting for a slow browser; older ones are
 *     dropped and counted beyond that
 * @param kafkaSecurity TLS and SASL settings of every Kafka client of the web UI
 */
public record WebConfig(
    String host,
    int port,
    String kafkaBootstrapServers,
    TopicNames topics,
    boolean localMode,
    List<String> allowedOrigins,
    List<String> knownNodes,
    Duration nodeWindow,
    int replayEvents,
    int socketQueueEvents,
    int socketsPerUser,
    String tokenAudience,
    KafkaSecurity kafkaSecurity) {

  public static final String ALL_INTERFACES = "0.0.0.0";
  public static final String LOOPBACK = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_KAFKA_BOOTSTRAP_SERVERS = "localhost:9092";
  public static final Duration DEFAULT_NODE_WINDOW = Duration.ofHours(24);
  public static final int DEFAULT_REPLAY_EVENTS = 300;
  public static final int DEFAULT_SOCKET_QUEUE_EVENTS = 1024;
  public static final int DEFAULT_SOCKETS_PER_USER = 16;

  /**
   * The audience a bearer token must be minted for ({@code kubectl create token NAME --audience
   * gadgetflow}): a token for the API server itself, which the web UI could replay there, or for
   * any other service, is refused.
   */
  public static final String DEFAULT_TOKEN_AUDIENCE = "gadgetflow";

  public WebConfig {
    allowedOrigins = List.copyOf(allowedOrigins);
    knownNodes = List.copyOf(knownNodes);
    if (replayEvents < 0 || replayEvents > EventSocketLimits.MAX_REPLAY_EVENTS) {
      throw new IllegalArgumentException(
          Settings.PREFIX
              + "WEB_REPLAY_EVENTS must be within 0.."
              + EventSocketLimits.MAX_REPLAY_EVENTS);
    }
    if (socketQueueEvents < 1) {
      throw new IllegalArgumentException(
          Settings.PREFIX + "WEB_SOCKET_QUEUE_EVENTS must be at least 1");
    }
    if (socketsPerUser < 1) {
      throw new IllegalArgumentException(
          Settings.PREFIX + "WEB_SOCKETS_PER_USER must be at least 1");
    }
  }

  /**
   * Reads {@code GADGETFLOW_*} variables: {@code WEB_HOST}, {@code WEB_PORT}, {@code
   * WEB_LOCAL_MODE}, {@code WEB_ALLOWED_ORIGINS} and {@code WEB_KNOWN_NODES} (comma-separated),
   * {@code WEB_NODE_WINDOW_SECONDS}, {@code WEB_REPLAY_EVENTS}, {@code WEB_SOCKET_QUEUE_EVENTS},
   * {@code WEB_SOCKETS_PER_USER}, {@code WEB_TOKEN_AUDIENCE}, {@code KAFKA_BOOTSTRAP_SERVERS},
   * {@code TOPIC_CONTROL}, {@code TOPIC_STATUS}, {@code TOPIC_EVENTS}, and the {@code KAFKA_*}
   * security settings of {@link KafkaSecurity#fromSettings}.
   */
  public static WebConfig fromEnvironment(Map<String, String> env) {
    Settings settings = new Settings(env);
    boolean localMode = settings.optional("WEB_LOCAL_MODE").map(WebConfig::parseFlag).orElse(false);
    return new WebConfig(
        settings.string("WEB_HOST", localMode ? LOOPBACK : ALL_INTERFACES),
        settings.integer("WEB_PORT", DEFAULT_PORT),
        settings.string("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_KAFKA_BOOTSTRAP_SERVERS),
        new TopicNames(
            settings.string("TOPIC_CONTROL", TopicNames.DEFAULTS.control()),
            settings.string("TOPIC_STATUS", TopicNames.DEFAULTS.status()),
            settings.string("TOPIC_EVENTS", TopicNames.DEFAULTS.events())),
        localMode,
        list(settings.string("WEB_ALLOWED_ORIGINS", "")),
        list(settings.string("WEB_KNOWN_NODES", "")),
        settings.seconds("WEB_NODE_WINDOW_SECONDS", DEFAULT_NODE_WINDOW),
        settings.integer("WEB_REPLAY_EVENTS", DEFAULT_REPLAY_EVENTS),
        settings.integer("WEB_SOCKET_QUEUE_EVENTS", DEFAULT_SOCKET_QUEUE_EVENTS),
        settings.integer("WEB_SOCKETS_PER_USER", DEFAULT_SOCKETS_PER_USER),
        settings.string("WEB_TOKEN_AUDIENCE", DEFAULT_TOKEN_AUDIENCE),
        KafkaSecurity.fromSettings(settings));
  }

  /** Another Kafka and this role's login to it ({@code gadgetflow up} gives each role a user). */
  public WebConfig withKafka(String servers, KafkaSecurity security) {
    return new WebConfig(
        host,
        port,
        servers,
        topics,
        localMode,
        allowedOrigins,
        knownNodes,
        nodeWindow,
        replayEvents,
        socketQueueEvents,
        socketsPerUser,
        tokenAudience,
        security);
  }

  /**
   * This configuration as {@code gadgetflow up} runs it: local mode, loopback only, and this
   * machine's node agent known from the start.
   */
  public WebConfig forLocalPlatform(String localNode) {
    List<String> nodes = new ArrayList<>(knownNodes);
    if (!nodes.contains(localNode)) {
      nodes.add(localNode);
    }
    return new WebConfig(
        ALL_INTERFACES.equals(host) ? LOOPBACK : host,
        port,
        kafkaBootstrapServers,
        topics,
        true,
        allowedOrigins,
        nodes,
        nodeWindow,
        replayEvents,
        socketQueueEvents,
        socketsPerUser,
        tokenAudience,
        kafkaSecurity);
  }

  private static boolean parseFlag(String value) {
    return switch (value.strip().toLowerCase()) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default ->
          throw new IllegalArgumentException(
              Settings.PREFIX + "WEB_LOCAL_MODE must be true or false, not \"" + value + "\"");
    };
  }

  private static List<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /** Where this role's Kafka is and how its clients authenticate. */
  public KafkaClients kafka() {
    return new KafkaClients(kafkaBootstrapServers, kafkaSecurity);
  }
}
