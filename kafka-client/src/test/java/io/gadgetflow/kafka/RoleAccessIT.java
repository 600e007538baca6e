package io.gadgetflow.kafka;

import static io.gadgetflow.testing.KafkaRefusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gadgetflow.api.kafka.KafkaRole;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.testing.SecuredKafkaBroker;
import io.gadgetflow.testing.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each role's principal on a real broker with the roles' ACLs, as {@code gadgetflow up} runs it:
 * what each role does still works, and what it does not do is refused by the broker. Every client
 * is made the way the roles make theirs: {@link KafkaClients} with the security the role's client
 * properties file gives ({@code GADGETFLOW_KAFKA_CLIENT_PROPERTIES}).
 */
@WithKafka
class RoleAccessIT {
  private static final TopicNames TOPICS = TopicNames.DEFAULTS;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aNodeWritesAnswersAndEventsAndReadsControlButCannotCommand(SecuredKafkaBroker kafka)
      throws Exception {
    String key = UUID.randomUUID().toString();
    send(kafka, KafkaRole.NODE, TOPICS.status(), key, "{\"answer\":1}");
    send(kafka, KafkaRole.NODE, TOPICS.events(), key, "{\"event\":1}");
    send(kafka, KafkaRole.CONTROLLER, TOPICS.control(), key, "{\"operation\":\"start\"}");
    assertThat(readValues(kafka, KafkaRole.NODE, TOPICS.control(), key))
        .contains("{\"operation\":\"start\"}");

    assertRefused(() -> send(kafka, KafkaRole.NODE, TOPICS.control(), key, "{\"forged\":1}"));
    assertThat(readValues(kafka, KafkaRole.CONTROLLER, TOPICS.control(), key))
        .containsExactly("{\"operation\":\"start\"}");
  }

  @Test
  void theWebUiAndViewersReadEventsAndAnswersButWriteNothing(SecuredKafkaBroker kafka)
      throws Exception {
    String key = UUID.randomUUID().toString();
    send(kafka, KafkaRole.NODE, TOPICS.events(), key, "{\"event\":\"real\"}");
    send(kafka, KafkaRole.NODE, TOPICS.status(), key, "{\"answer\":\"real\"}");

    for (KafkaRole reader : List.of(KafkaRole.WEB, KafkaRole.VIEWER)) {
      assertThat(readValues(kafka, reader, TOPICS.events(), key)).contains("{\"event\":\"real\"}");
      assertThat(readValues(kafka, reader, TOPICS.status(), key)).contains("{\"answer\":\"real\"}");
      for (String topic : List.of(TOPICS.events(), TOPICS.status(), TOPICS.control())) {
        assertRefused(() -> send(kafka, reader, topic, key, "{\"forged\":1}"));
      }
    }
    assertThat(readValues(kafka, KafkaRole.WEB, TOPICS.events(), key))
        .containsExactly("{\"event\":\"real\"}");
  }

  @Test
  void theControllerCommandsAndReadsAnswersInItsGroupButSendsNoEvents(SecuredKafkaBroker kafka)
      throws Exception {
    String key = UUID.randomUUID().toString();
    send(kafka, KafkaRole.NODE, TOPICS.status(), key, "{\"answer\":\"for-controller\"}");
    Properties group =
        clients(kafka, KafkaRole.CONTROLLER)
            .groupConsumer(KafkaRole.CONTROLLER_GROUP, "test-controller-" + key);
    group.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(group, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPICS.status()));
      assertThat(pollUntil(consumer, key)).contains("{\"answer\":\"for-controller\"}");
    }
    Properties otherGroup =
        clients(kafka, KafkaRole.CONTROLLER).groupConsumer("another-group", "test-" + key);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(otherGroup, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(TOPICS.status()));
      assertThatThrownBy(() -> consumer.poll(WAIT)).isInstanceOf(AuthorizationException.class);
    }
    assertRefused(() -> send(kafka, KafkaRole.CONTROLLER, TOPICS.events(), key, "{\"x\":1}"));
    assertRefused(() -> send(kafka, KafkaRole.CONTROLLER, TOPICS.status(), key, "{\"x\":1}"));
  }

  @Test
  void onlyNodesRegisterKeysAndOnlyTheControllerReadsThem(SecuredKafkaBroker kafka)
      throws Exception {
    String key = "node-" + UUID.randomUUID();
    send(kafka, KafkaRole.NODE, TOPICS.nodes(), key, "{\"token\":\"secret\"}");
    assertThat(readValues(kafka, KafkaRole.CONTROLLER, TOPICS.nodes(), key))
        .containsExactly("{\"token\":\"secret\"}");

    for (KafkaRole other : List.of(KafkaRole.NODE, KafkaRole.WEB, KafkaRole.VIEWER)) {
      assertRefused(() -> readValues(kafka, other, TOPICS.nodes(), key));
    }
    for (KafkaRole other : List.of(KafkaRole.CONTROLLER, KafkaRole.WEB, KafkaRole.VIEWER)) {
      assertRefused(() -> send(kafka, other, TOPICS.nodes(), key, "{\"forged\":1}"));
    }
  }

  @Test
  void aClientWithoutTheGeneratedCredentialsIsRefused(SecuredKafkaBroker kafka, @TempDir Path dir)
      throws Exception {
    Path wrongPassword = dir.resolve("wrong.properties");
    Properties viewer = new Properties();
    try (var reader = Files.newBufferedReader(kafka.clientProperties(KafkaRole.VIEWER))) {
      viewer.load(reader);
    }
    String login = viewer.getProperty("sasl.jaas.config");
    viewer.setProperty(
        "sasl.jaas.config", login.replaceFirst("password=\"[^\"]*\"", "password=\"guessed\""));
    assertThat(viewer.getProperty("sasl.jaas.config")).contains("guessed").isNotEqualTo(login);
    try (var writer = Files.newBufferedWriter(wrongPassword)) {
      viewer.store(writer, null);
    }
    KafkaClients guessing =
        new KafkaClients(kafka.bootstrapServers(), KafkaSecurity.fromPropertiesFile(wrongPassword));
    try (KafkaConsumer<String, String> consumer = consumer(guessing)) {
      assertThatThrownBy(() -> consumer.partitionsFor(TOPICS.events(), WAIT))
          .isInstanceOf(SaslAuthenticationException.class);
    }

    // No SASL at all: the broker answers nothing a plaintext client understands.
    KafkaClients anonymous = new KafkaClients(kafka.bootstrapServers(), KafkaSecurity.PLAINTEXT);
    try (KafkaConsumer<String, String> consumer = consumer(anonymous)) {
      assertThatThrownBy(() -> consumer.partitionsFor(TOPICS.events(), Duration.ofSeconds(5)))
          .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
  }

  @Test
  void credentialsAreReadableByTheirOwnerOnly(SecuredKafkaBroker kafka) throws Exception {
    assertThat(Files.getPosixFilePermissions(kafka.credentials().directory()))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
            java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
    for (KafkaRole role : KafkaRole.values()) {
      assertThat(Files.getPosixFilePermissions(kafka.clientProperties(role)))
          .containsExactlyInAnyOrder(
              java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
  }

  private static KafkaClients clients(SecuredKafkaBroker kafka, KafkaRole role) {
    return new KafkaClients(
        kafka.bootstrapServers(), KafkaSecurity.fromPropertiesFile(kafka.clientProperties(role)));
  }

  private static void send(
      SecuredKafkaBroker kafka, KafkaRole role, String topic, String key, String value)
      throws Exception {
    Properties config = clients(kafka, role).producer("test-" + role);
    config.put("max.block.ms", Long.toString(WAIT.toMillis()));
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer
          .send(new ProducerRecord<>(topic, key, value))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private static KafkaConsumer<String, String> consumer(KafkaClients clients) {
    return new KafkaConsumer<>(
        clients.groupFreeConsumer("test-reader"),
        new StringDeserializer(),
        new StringDeserializer());
  }

  /** Every value under {@code key} in {@code topic}, read from the beginning to the end. */
  private static List<String> readValues(
      SecuredKafkaBroker kafka, KafkaRole role, String topic, String key) {
    try (KafkaConsumer<String, String> consumer = consumer(clients(kafka, role))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, WAIT).stream()
              .map(partition -> new TopicPartition(topic, partition.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var end = consumer.endOffsets(partitions, WAIT);
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p, WAIT) < end.get(p))) {
        assertThat(System.nanoTime()).as("read to the end in time").isLessThan(deadline);
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(record.key())) {
            values.add(record.value());
          }
        }
      }
      return values;
    }
  }

  private static List<String> pollUntil(KafkaConsumer<String, String> consumer, String key) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> values = new ArrayList<>();
    while (values.isEmpty() && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        if (key.equals(record.key())) {
          values.add(record.value());
        }
      }
    }
    return values;
  }
}
