package io.gadgetflow.local.kafka;

import io.gadgetflow.local.DataHome;
import io.gadgetflow.local.LoopbackPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the embedded broker runs.
 *
 * @param dataDir the broker's logs and metadata; formatted when empty, reused when formatted
 * @param host the local address clients connect to: the loopback address, or the local cluster's
 *     own address, which its pods reach
 * @param port the port clients connect to; 0 picks a free one
 * @param topics the contract's topics, created when missing
 * @param startTimeout how long starting may take until the topics are ready
 * @param credentialsDir where the users' passwords are made and kept (owner-only); null for a
 *     broker that lets anyone who reaches it in, as some tests want
 * @param tls whether clients connect with TLS ({@code SASL_SSL}), the broker's certificate made for
 *     {@code host} beside the credentials: for a broker that pods reach over a network
 */
public record EmbeddedKafkaConfig(
    Path dataDir,
    String host,
    int port,
    ContractTopics topics,
    Duration startTimeout,
    Path credentialsDir,
    boolean tls) {

  public static final int DEFAULT_PORT = 9092;
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  public EmbeddedKafkaConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 (any free port) to 65535, was " + port);
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
    }
    if (tls && credentialsDir == null) {
      throw new IllegalArgumentException("TLS is for a broker that requires authentication");
    }
  }

  /**
   * Kafka's usual port on the loopback address, data under the user's XDG data directory, the
   * contract's topics, authentication required with credentials beside the data ({@code
   * kafka-credentials}).
   */
  public static EmbeddedKafkaConfig defaults() {
    return new EmbeddedKafkaConfig(
        DataHome.current().resolve("kafka"),
        LoopbackPorts.HOST,
        DEFAULT_PORT,
        ContractTopics.DEFAULTS,
        DEFAULT_START_TIMEOUT,
        DataHome.current().resolve("kafka-credentials"),
        false);
  }

  public EmbeddedKafkaConfig withDataDir(Path dataDir) {
    return new EmbeddedKafkaConfig(dataDir, host, port, topics, startTimeout, credentialsDir, tls);
  }

  public EmbeddedKafkaConfig withHost(String host) {
    return new EmbeddedKafkaConfig(dataDir, host, port, topics, startTimeout, credentialsDir, tls);
  }

  public EmbeddedKafkaConfig withPort(int port) {
    return new EmbeddedKafkaConfig(dataDir, host, port, topics, startTimeout, credentialsDir, tls);
  }

  public EmbeddedKafkaConfig withTopics(ContractTopics topics) {
    return new EmbeddedKafkaConfig(dataDir, host, port, topics, startTimeout, credentialsDir, tls);
  }

  /** Authentication and ACLs, with the users' passwords kept in {@code credentialsDir}. */
  public EmbeddedKafkaConfig withCredentialsDir(Path credentialsDir) {
    return new EmbeddedKafkaConfig(dataDir, host, port, topics, startTimeout, credentialsDir, tls);
  }

  /** A broker that lets anyone who reaches its address do anything. */
  public EmbeddedKafkaConfig withoutAuthentication() {
    return new EmbeddedKafkaConfig(dataDir, host, port, topics, startTimeout, null, false);
  }

  /**
   * Clients connect with TLS: the broker gets a certificate for {@code host}, made with its own
   * authority beside the credentials, which every client properties file trusts.
   */
  public EmbeddedKafkaConfig withTls() {
    return new EmbeddedKafkaConfig(dataDir, host, port, topics, startTimeout, credentialsDir, true);
  }
}
