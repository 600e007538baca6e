package io.gadgetflow.local.kafka;

import io.gadgetflow.local.LoopbackPorts;
import java.net.BindException;
import java.time.Duration;
import java.util.Map;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft controller and broker in one) running in this JVM, listening on
 * the loopback interface (or the local cluster's own address), with the contract's topics created.
 * Closing it stops the broker and releases its data directory, so another broker can start on the
 * same data afterwards.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private boolean closed;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Starts a broker and returns once the contract's topics are ready for clients.
   *
   * @throws PortInUseException when {@code config.port()} is taken
   * @throws KafkaStartException when the data directory cannot be used or the broker fails
   */
  public static EmbeddedKafka start(EmbeddedKafkaConfig config) {
    long startNanos = System.nanoTime();
    String host = config.host();
    int clientPort =
        config.port() == 0 ? LoopbackPorts.freePort(host) : requireFree(host, config.port());
    String bootstrapServers = host + ":" + clientPort;
    KafkaStorage.requireNotInUse(config.dataDir());
    boolean formatted = KafkaStorage.formatIfNeeded(config.dataDir());
    KafkaRaftServer server;
    try {
      server =
          new KafkaRaftServer(
              KafkaConfig.fromProps(
                  BrokerProperties.singleNode(
                      config.dataDir(), host, clientPort, LoopbackPorts.freePort())),
              Time.SYSTEM);
    } catch (RuntimeException e) {
      throw startFailure(bootstrapServers, config, e);
    }
    try {
      server.startup();
      createTopics(bootstrapServers, config);
    } catch (RuntimeException e) {
      KafkaStartException failure = startFailure(bootstrapServers, config, e);
      try {
        stop(server);
      } catch (RuntimeException stopFailure) {
        failure.addSuppressed(stopFailure);
      }
      throw failure;
    }
    LOG.info(
        "Kafka ready on {} in {} ms, data in {} ({})",
        bootstrapServers,
        Duration.ofNanos(System.nanoTime() - startNanos).toMillis(),
        config.dataDir(),
        formatted ? "formatted now" : "reused");
    return new EmbeddedKafka(server, bootstrapServers);
  }

  /** The {@code bootstrap.servers} value for clients, {@code <host>:<port>}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Stops the broker and waits until it has released its threads, ports and data directory. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      stop(server);
      LOG.info("Kafka on {} stopped", bootstrapServers);
    }
  }

  private static void createTopics(String bootstrapServers, EmbeddedKafkaConfig config) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      new KafkaTopics(admin).ensure(config.topics().newTopics(), config.startTimeout());
    }
  }

  /**
   * Checks before Kafka starts, because a bind failure inside the broker surfaces only after
   * storage formatting and controller start-up, wrapped in exceptions that name no port.
   */
  private static int requireFree(String host, int port) {
    try {
      LoopbackPorts.requireFree(host, port);
      return port;
    } catch (BindException e) {
      throw new PortInUseException(host, port, e);
    }
  }

  private static KafkaStartException startFailure(
      String bootstrapServers, EmbeddedKafkaConfig config, RuntimeException cause) {
    return new KafkaStartException(
        "Kafka on "
            + bootstrapServers
            + " with data in "
            + config.dataDir()
            + " failed to start: "
            + cause.getMessage(),
        cause);
  }

  private static void stop(KafkaRaftServer server) {
    server.shutdown();
    server.awaitShutdown();
  }
}
