package io.gadgetflow.local.kafka;

import io.gadgetflow.local.LoopbackPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * The server.properties of a node that is both KRaft controller and broker: alone, or one of a
 * small cluster on this machine.
 */
final class BrokerProperties {
  static final int NODE_ID = 1;
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String CLIENT_LISTENER = "PLAINTEXT";

  /**
   * Kafka's default of 128 MiB, allocated up front for each cleaner thread, is sized for brokers
   * compacting large topics; the control topic holds one small record per trace.
   */
  private static final int CLEANER_DEDUPE_BUFFER_BYTES = 16 * 1024 * 1024;

  /**
   * How long the KRaft controller waits for a broker's heartbeat before it fences the broker and
   * gives its partitions other leaders: 3 s, a third of Kafka's 9 s. Until then no write with
   * {@code acks=all} to a partition the dead broker led or was in sync for completes, and a node
   * agent's event queue and producer buffer must hold everything it makes meanwhile: at 20,000
   * events/s (bench/faults broker-lost, the quorum's leader killed) Kafka's 9 s made an 11.8 s
   * stall that lost 38,074 of 442,356 events, 3 s a 5.6 s one that lost none (docs/reliability.md,
   * "The fault suite"). The cost: a broker that cannot heartbeat for 3 s (a long GC pause, a
   * saturated machine) is fenced while alive, its partitions move, and it takes them back once it
   * heartbeats again; no write is lost by it. Only for clusters: a single node has no other broker
   * to move its partitions to, and fencing it would stop every write.
   */
  static final Duration BROKER_SESSION_TIMEOUT = Duration.ofSeconds(3);

  /** A third of the session, as Kafka's defaults (2 s of 9 s) roughly keep it. */
  static final Duration BROKER_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

  /**
   * How long the other KRaft voters wait for the quorum's leader before they elect another: 1 s,
   * half Kafka's 2 s. A dead broker that also led the quorum (every node of these clusters is a
   * controller too) is fenced a session after a new leader took over, so the election comes first:
   * with the 3 s session the stall was 5.6 s and 6.1 s at 20,000 events/s, the second losing 1,418
   * events, and 4.3 s with this. The cost: a leader that cannot answer its voters for a second is
   * replaced, an election of about a second during which no broker is fenced nor any partition
   * moved; the records' writes and reads go on.
   */
  static final Duration QUORUM_FETCH_TIMEOUT = Duration.ofSeconds(1);

  private BrokerProperties() {}

  /** The client listener of a broker that requires authentication. */
  private static final String SECURED_CLIENT_LISTENER = "CLIENT";

  /**
   * Clients connect to {@code clientHost}; the controller listens on the loopback address, since
   * only the broker in the same process talks to it.
   */
  static Properties singleNode(
      Path dataDir, String clientHost, int clientPort, int controllerPort) {
    Properties properties =
        node(
            dataDir,
            NODE_ID,
            clientHost,
            clientPort,
            controllerPort,
            NODE_ID + "@" + LoopbackPorts.HOST + ":" + controllerPort);
    // Internal topics default to three replicas, which one broker cannot host.
    properties.setProperty("offsets.topic.replication.factor", "1");
    properties.setProperty("transaction.state.log.replication.factor", "1");
    properties.setProperty("transaction.state.log.min.isr", "1");
    properties.setProperty("share.coordinator.state.topic.replication.factor", "1");
    properties.setProperty("share.coordinator.state.topic.min.isr", "1");
    return properties;
  }

  /**
   * One node of a cluster of {@code clusterSize} nodes that all are controllers and brokers, with
   * Kafka's defaults for internal topics (three replicas, two in sync) where the cluster can host
   * them, as many replicas as it has nodes otherwise: with the defaults, a cluster of one node
   * never creates the consumer offsets topic, and no consumer group ever forms (a controller then
   * reads no node's answer). Clients connect on the loopback address.
   *
   * @param voters {@code id@host:port} of every node's controller listener, comma-separated
   */
  static Properties clusterNode(
      Path dataDir,
      int nodeId,
      int clientPort,
      int controllerPort,
      String voters,
      int clusterSize) {
    Properties properties =
        node(dataDir, nodeId, LoopbackPorts.HOST, clientPort, controllerPort, voters);
    if (clusterSize > 1) {
      properties.setProperty(
          "broker.session.timeout.ms", Long.toString(BROKER_SESSION_TIMEOUT.toMillis()));
      properties.setProperty(
          "broker.heartbeat.interval.ms", Long.toString(BROKER_HEARTBEAT_INTERVAL.toMillis()));
      properties.setProperty(
          "controller.quorum.fetch.timeout.ms", Long.toString(QUORUM_FETCH_TIMEOUT.toMillis()));
    }
    if (clusterSize < 3) {
      String replicas = Integer.toString(clusterSize);
      String inSync = Integer.toString(Math.min(2, clusterSize));
      properties.setProperty("offsets.topic.replication.factor", replicas);
      properties.setProperty("transaction.state.log.replication.factor", replicas);
      properties.setProperty("transaction.state.log.min.isr", inSync);
      properties.setProperty("share.coordinator.state.topic.replication.factor", replicas);
      properties.setProperty("share.coordinator.state.topic.min.isr", inSync);
    }
    return properties;
  }

  private static Properties node(
      Path dataDir,
      int nodeId,
      String clientHost,
      int clientPort,
      int controllerPort,
      String voters) {
    String clientEndpoint = CLIENT_LISTENER + "://" + clientHost + ":" + clientPort;
    String controllerEndpoint =
        CONTROLLER_LISTENER + "://" + LoopbackPorts.HOST + ":" + controllerPort;
    Properties properties = new Properties();
    properties.setProperty("process.roles", "broker,controller");
    properties.setProperty("node.id", Integer.toString(nodeId));
    // A static voter set keeps the controllers' addresses out of the formatted storage, so a
    // single node's controller can take a fresh free port on every start.
    properties.setProperty("controller.quorum.voters", voters);
    properties.setProperty("controller.listener.names", CONTROLLER_LISTENER);
    properties.setProperty("listeners", clientEndpoint + "," + controllerEndpoint);
    properties.setProperty("advertised.listeners", clientEndpoint);
    properties.setProperty("inter.broker.listener.name", CLIENT_LISTENER);
    properties.setProperty(
        "listener.security.protocol.map",
        CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    properties.setProperty("log.dirs", dataDir.toString());

    // Waiting for more group members to join only delays a single-machine platform and its tests.
    properties.setProperty("group.initial.rebalance.delay.ms", "0");
    // The contract's topics are created explicitly; a misspelt topic name must not create another.
    properties.setProperty("auto.create.topics.enable", "false");
    properties.setProperty(
        "log.cleaner.dedupe.buffer.size", Integer.toString(CLEANER_DEDUPE_BUFFER_BYTES));
    return properties;
  }

  /**
   * A single node that lets in only the users of {@code credentials} and each only as far as its
   * ACLs go. Clients log in with SCRAM on the client listener; the broker half reaches the
   * controller half as the administrator with PLAIN (KRaft's controller listener cannot use SCRAM,
   * whose credentials live in the metadata it serves). No listener takes an anonymous client, and
   * the authorizer refuses what no ACL allows. The controller listener stays on loopback and is not
   * encrypted; the client listener is TLS ({@code SASL_SSL}) when the credentials have the broker's
   * certificates (a broker that pods reach over the local cluster's network), else not (on
   * loopback, where no other user can read the traffic; docs/security.md).
   */
  static Properties singleNodeSecured(
      Path dataDir,
      String clientHost,
      int clientPort,
      int controllerPort,
      KafkaCredentials credentials) {
    Properties properties = singleNode(dataDir, clientHost, clientPort, controllerPort);
    String clientEndpoint = SECURED_CLIENT_LISTENER + "://" + clientHost + ":" + clientPort;
    String controllerEndpoint =
        CONTROLLER_LISTENER + "://" + LoopbackPorts.HOST + ":" + controllerPort;
    properties.setProperty("listeners", clientEndpoint + "," + controllerEndpoint);
    properties.setProperty("advertised.listeners", clientEndpoint);
    properties.setProperty("inter.broker.listener.name", SECURED_CLIENT_LISTENER);
    properties.setProperty(
        "listener.security.protocol.map",
        SECURED_CLIENT_LISTENER
            + (credentials.tls() == null ? ":SASL_PLAINTEXT," : ":SASL_SSL,")
            + CONTROLLER_LISTENER
            + ":SASL_PLAINTEXT");
    String client = "listener.name." + SECURED_CLIENT_LISTENER.toLowerCase() + ".";
    if (credentials.tls() != null) {
      BrokerCertificates tls = credentials.tls();
      properties.setProperty(client + "ssl.keystore.type", "PEM");
      properties.setProperty(client + "ssl.keystore.location", tls.keyStore().toString());
      // The broker is a client of its own listener (inter-broker): it trusts its authority.
      properties.setProperty(client + "ssl.truststore.type", "PEM");
      properties.setProperty(client + "ssl.truststore.location", tls.caCertificate().toString());
    }

    String admin = KafkaCredentials.ADMIN_USER;
    String password = credentials.adminPassword();
    properties.setProperty(client + "sasl.enabled.mechanisms", KafkaCredentials.MECHANISM);
    properties.setProperty("sasl.mechanism.inter.broker.protocol", KafkaCredentials.MECHANISM);
    properties.setProperty(
        client + KafkaCredentials.MECHANISM.toLowerCase() + ".sasl.jaas.config",
        KafkaCredentials.scramLogin(admin, password));
    String controller = "listener.name." + CONTROLLER_LISTENER.toLowerCase() + ".";
    properties.setProperty(controller + "sasl.enabled.mechanisms", "PLAIN");
    properties.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
    properties.setProperty(
        controller + "plain.sasl.jaas.config",
        ("org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"%s\" password=\"%s\" user_%s=\"%s\";")
            .formatted(admin, password, admin, password));

    properties.setProperty(
        "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    properties.setProperty("super.users", "User:" + admin);
    properties.setProperty("allow.everyone.if.no.acl.found", "false");
    return properties;
  }
}
