package io.gadgetflow.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node KRaft broker whose clients must authenticate with SASL/PLAIN over plaintext, as a
 * Kafka with user accounts would require: it proves the roles pass their SASL settings to Kafka.
 */
final class SaslBroker implements AutoCloseable {
  static final String USER = "gadgetflow";
  static final String PASSWORD = "gadgetflow-secret";
  private static final String ADMIN_PASSWORD = "admin-secret";
  private static final String CLIENT_LISTENER = "SASL_PLAINTEXT";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final int NODE_ID = 1;

  private final KafkaRaftServer server;
  private final String bootstrapServers;

  private SaslBroker(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  static SaslBroker start(Path dataDir, List<String> topics) throws Exception {
    String directory = dataDir.toString();
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(List.of(directory))
        .setMetadataLogDirectory(directory)
        .setControllerListenerName(CONTROLLER_LISTENER)
        .run();
    int clientPort = freePort();
    int controllerPort = freePort();
    String client = CLIENT_LISTENER + "://127.0.0.1:" + clientPort;
    Properties properties = new Properties();
    properties.setProperty("process.roles", "broker,controller");
    properties.setProperty("node.id", Integer.toString(NODE_ID));
    properties.setProperty("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    properties.setProperty("controller.listener.names", CONTROLLER_LISTENER);
    properties.setProperty(
        "listeners", client + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
    properties.setProperty("advertised.listeners", client);
    properties.setProperty("inter.broker.listener.name", CLIENT_LISTENER);
    properties.setProperty(
        "listener.security.protocol.map",
        CLIENT_LISTENER + ":SASL_PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    properties.setProperty("sasl.enabled.mechanisms", "PLAIN");
    properties.setProperty("sasl.mechanism.inter.broker.protocol", "PLAIN");
    properties.setProperty(
        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"admin\" password=\"%s\" user_admin=\"%s\" user_%s=\"%s\";"
                .formatted(ADMIN_PASSWORD, ADMIN_PASSWORD, USER, PASSWORD));
    properties.setProperty("log.dirs", directory);
    properties.setProperty("offsets.topic.replication.factor", "1");
    properties.setProperty("transaction.state.log.replication.factor", "1");
    properties.setProperty("transaction.state.log.min.isr", "1");
    properties.setProperty("share.coordinator.state.topic.replication.factor", "1");
    properties.setProperty("share.coordinator.state.topic.min.isr", "1");
    properties.setProperty("group.initial.rebalance.delay.ms", "0");
    properties.setProperty("auto.create.topics.enable", "false");
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties), Time.SYSTEM);
    server.startup();
    SaslBroker broker = new SaslBroker(server, "127.0.0.1:" + clientPort);
    try (Admin admin = Admin.create(broker.clientConfig("admin", ADMIN_PASSWORD))) {
      admin
          .createTopics(topics.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList())
          .all()
          .get(60, TimeUnit.SECONDS);
    }
    return broker;
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** What a client of this broker needs, signed in as {@link #USER}. */
  Map<String, Object> clientConfig() {
    return clientConfig(USER, PASSWORD);
  }

  private Map<String, Object> clientConfig(String user, String password) {
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrapServers);
    config.put("security.protocol", "SASL_PLAINTEXT");
    config.put("sasl.mechanism", "PLAIN");
    config.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"%s\" password=\"%s\";".formatted(user, password));
    return config;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
