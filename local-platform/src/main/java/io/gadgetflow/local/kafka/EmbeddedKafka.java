package io.gadgetflow.local.kafka;

import io.gadgetflow.local.LoopbackPorts;
import java.net.BindException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
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
  private final KafkaCredentials credentials;
  private boolean closed;

  private EmbeddedKafka(
      KafkaRaftServer server, String bootstrapServers, KafkaCredentials credentials) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.credentials = credentials;
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
    KafkaCredentials credentials = credentials(config);
    boolean formatted =
        KafkaStorage.formatIfNeeded(
            config.dataDir(), credentials == null ? List.of() : credentials.scramArguments());
    int controllerPort = LoopbackPorts.freePort();
    KafkaRaftServer server;
    try {
      server =
          new KafkaRaftServer(
              KafkaConfig.fromProps(
                  credentials == null
                      ? BrokerProperties.singleNode(
                          config.dataDir(), host, clientPort, controllerPort)
                      : BrokerProperties.singleNodeSecured(
                          config.dataDir(), host, clientPort, controllerPort, credentials)),
              Time.SYSTEM);
    } catch (RuntimeException e) {
      throw startFailure(bootstrapServers, config, e);
    }
    try {
      server.startup();
      createTopicsAndAcls(bootstrapServers, config, credentials);
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
        "Kafka ready on {} in {} ms, data in {} ({}), {}",
        bootstrapServers,
        Duration.ofNanos(System.nanoTime() - startNanos).toMillis(),
        config.dataDir(),
        formatted ? "formatted now" : "reused",
        credentials == null
            ? "without authentication"
            : "SCRAM users and ACLs per role"
                + (config.tls() ? " over TLS" : "")
                + ", credentials in "
                + credentials.directory());
    return new EmbeddedKafka(server, bootstrapServers, credentials);
  }

  /**
   * The users' credentials, made with the storage: SCRAM users are written when the storage is
   * formatted, so storage formatted without them (before the broker required authentication) is
   * refused rather than started with nobody able to log in.
   */
  private static KafkaCredentials credentials(EmbeddedKafkaConfig config) {
    if (config.credentialsDir() == null) {
      return null;
    }
    if (KafkaStorage.isFormatted(config.dataDir())
        && !KafkaCredentials.exist(config.credentialsDir())) {
      throw new KafkaStartException(
          "Kafka data directory "
              + config.dataDir()
              + " was formatted without the users of "
              + config.credentialsDir()
              + " (by a GadgetFlow before Kafka required authentication, or the credentials were"
              + " removed); remove the data directory to start afresh");
    }
    return KafkaCredentials.loadOrCreate(
        config.credentialsDir(), config.tls() ? config.host() : null);
  }

  /** The {@code bootstrap.servers} value for clients, {@code <host>:<port>}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The users' credentials and their client properties files; empty for a broker without
   * authentication.
   */
  public Optional<KafkaCredentials> credentials() {
    return Optional.ofNullable(credentials);
  }

  /**
   * An administrator's client settings (a super user's login, or none on a broker without
   * authentication), with {@code bootstrap.servers}: for creating topics and ACLs.
   */
  public Map<String, Object> adminClientConfig() {
    return adminClientConfig(bootstrapServers, credentials);
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

  private static void createTopicsAndAcls(
      String bootstrapServers, EmbeddedKafkaConfig config, KafkaCredentials credentials) {
    try (Admin admin = Admin.create(adminClientConfig(bootstrapServers, credentials))) {
      new KafkaTopics(admin).ensure(config.topics().newTopics(), config.startTimeout());
      if (credentials != null) {
        // Creating an ACL that exists already changes nothing, so every start states them all.
        List<AclBinding> acls = RoleAcls.all(config.topics().names());
        admin.createAcls(acls).all().get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        awaitAclsInForce(admin, acls, config.startTimeout());
      }
    } catch (ExecutionException e) {
      throw new KafkaStartException("Could not create the roles' ACLs: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new KafkaStartException("Creating the roles' ACLs took too long", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaStartException("Interrupted while creating the roles' ACLs", e);
    }
  }

  /**
   * The controller has the ACLs once they are created; the broker's authorizer, which answers
   * clients, applies them a moment later from the metadata log. A role that connected in between
   * would be refused, so starting waits until the broker lists them all.
   */
  private static void awaitAclsInForce(Admin admin, List<AclBinding> acls, Duration timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!admin
        .describeAcls(AclBindingFilter.ANY)
        .values()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .containsAll(acls)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("the broker did not apply the roles' ACLs within " + timeout);
      }
      Thread.sleep(50);
    }
  }

  private static Map<String, Object> adminClientConfig(
      String bootstrapServers, KafkaCredentials credentials) {
    Map<String, Object> settings = new HashMap<>();
    if (credentials != null) {
      settings.putAll(credentials.adminClientSettings());
    }
    settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return settings;
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
