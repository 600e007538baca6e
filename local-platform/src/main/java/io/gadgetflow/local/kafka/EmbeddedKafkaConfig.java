package io.gadgetflow.local.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the embedded broker runs.
 *
 * @param dataDir the broker's logs and metadata; formatted when empty, reused when formatted
 * @param port the loopback port clients connect to; 0 picks a free one
 * @param topics the contract's topics, created when missing
 * @param startTimeout how long starting may take until the topics are ready
 */
public record EmbeddedKafkaConfig(
    Path dataDir, int port, ContractTopics topics, Duration startTimeout) {

  public static final int DEFAULT_PORT = 9092;
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  public EmbeddedKafkaConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 (any free port) to 65535, was " + port);
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
    }
  }

  /** Kafka's usual port, data under the user's XDG data directory, the contract's topics. */
  public static EmbeddedKafkaConfig defaults() {
    return new EmbeddedKafkaConfig(
        defaultDataDir(System.getenv(), Path.of(System.getProperty("user.home"))),
        DEFAULT_PORT,
        ContractTopics.DEFAULTS,
        DEFAULT_START_TIMEOUT);
  }

  public EmbeddedKafkaConfig withDataDir(Path dataDir) {
    return new EmbeddedKafkaConfig(dataDir, port, topics, startTimeout);
  }

  public EmbeddedKafkaConfig withPort(int port) {
    return new EmbeddedKafkaConfig(dataDir, port, topics, startTimeout);
  }

  public EmbeddedKafkaConfig withTopics(ContractTopics topics) {
    return new EmbeddedKafkaConfig(dataDir, port, topics, startTimeout);
  }

  /**
   * {@code $XDG_DATA_HOME/gadgetflow/kafka}, or {@code ~/.local/share/gadgetflow/kafka} when that
   * variable is unset or, which the XDG specification says to ignore, relative.
   */
  static Path defaultDataDir(Map<String, String> environment, Path userHome) {
    String xdgDataHome = environment.get("XDG_DATA_HOME");
    Path dataHome =
        xdgDataHome != null && !xdgDataHome.isBlank() && Path.of(xdgDataHome).isAbsolute()
            ? Path.of(xdgDataHome)
            : userHome.resolve(".local/share");
    return dataHome.resolve("gadgetflow/kafka");
  }
}
