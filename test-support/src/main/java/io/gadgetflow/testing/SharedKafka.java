package io.gadgetflow.testing;

import io.gadgetflow.local.kafka.EmbeddedKafka;
import io.gadgetflow.local.kafka.EmbeddedKafkaConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * One of the run's brokers with its throw-away data directory, owned by the JUnit store that closes
 * it: open to anyone on the loopback interface, or requiring each role's credentials and ACLs as
 * {@code gadgetflow up}'s does.
 */
final class SharedKafka implements AutoCloseable {
  private final Path dataDir;
  private final EmbeddedKafka kafka;
  private final Admin admin;
  private final KafkaBroker broker;

  private SharedKafka(Path dataDir, EmbeddedKafka kafka, Admin admin) {
    this.dataDir = dataDir;
    this.kafka = kafka;
    this.admin = admin;
    this.broker = new KafkaBroker(kafka.adminClientConfig(), admin);
  }

  /** A broker without authentication, for tests of everything but Kafka's access control. */
  static SharedKafka start() {
    return start(false);
  }

  /** A broker that requires authentication, with the roles' users and ACLs. */
  static SharedKafka startSecured() {
    return start(true);
  }

  private static SharedKafka start(boolean secured) {
    Path dataDir = createDataDir();
    boolean started = false;
    try {
      EmbeddedKafkaConfig config =
          EmbeddedKafkaConfig.defaults().withDataDir(dataDir.resolve("kafka")).withPort(0);
      EmbeddedKafka kafka =
          EmbeddedKafka.start(
              secured
                  ? config.withCredentialsDir(dataDir.resolve("credentials"))
                  : config.withoutAuthentication());
      Admin admin = Admin.create(kafka.adminClientConfig());
      started = true;
      return new SharedKafka(dataDir, kafka, admin);
    } finally {
      // Also after errors such as a missing class, which a broken test class path produces.
      if (!started) {
        deleteRecursively(dataDir);
      }
    }
  }

  KafkaBroker broker() {
    return broker;
  }

  SecuredKafkaBroker securedBroker() {
    return new SecuredKafkaBroker(broker, kafka.credentials().orElseThrow());
  }

  @Override
  public void close() {
    admin.close();
    kafka.close();
    deleteRecursively(dataDir);
  }

  private static Path createDataDir() {
    try {
      return Files.createTempDirectory("gadgetflow-test-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a data directory for the test broker", e);
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the test broker's data in " + directory, e);
    }
  }
}
