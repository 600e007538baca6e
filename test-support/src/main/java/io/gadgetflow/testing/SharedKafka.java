package io.gadgetflow.testing;

import io.gadgetflow.local.kafka.EmbeddedKafka;
import io.gadgetflow.local.kafka.EmbeddedKafkaConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** The run's broker with its throw-away data directory, owned by the JUnit store that closes it. */
final class SharedKafka implements AutoCloseable {
  private final Path dataDir;
  private final EmbeddedKafka kafka;
  private final Admin admin;
  private final KafkaBroker broker;

  private SharedKafka(Path dataDir, EmbeddedKafka kafka, Admin admin) {
    this.dataDir = dataDir;
    this.kafka = kafka;
    this.admin = admin;
    this.broker = new KafkaBroker(kafka.bootstrapServers(), admin);
  }

  static SharedKafka start() {
    Path dataDir = createDataDir();
    boolean started = false;
    try {
      EmbeddedKafka kafka =
          EmbeddedKafka.start(EmbeddedKafkaConfig.defaults().withDataDir(dataDir).withPort(0));
      Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
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
