package io.gadgetflow.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.gadgetflow.api.kafka.KafkaRole;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration THREAD_END_TIMEOUT = Duration.ofSeconds(5);
  private static final String CONTROL = ContractTopics.DEFAULTS.names().control();
  private static final String STATUS = ContractTopics.DEFAULTS.names().status();
  private static final String EVENTS = ContractTopics.DEFAULTS.names().events();

  @TempDir static Path sharedDataDir;
  private static EmbeddedKafka kafka;
  private static Admin admin;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start(config(sharedDataDir));
    admin = admin(kafka);
  }

  @AfterAll
  static void stopBroker() {
    admin.close();
    kafka.close();
  }

  @Test
  void recordProducedWithThePlainClientIsConsumed() throws Exception {
    send(kafka, EVENTS, "trace-uid-1", "{\"comm\":\"sh\"}");

    assertThat(read(kafka, EVENTS, 1))
        .singleElement()
        .satisfies(
            record -> {
              assertThat(record.key()).isEqualTo("trace-uid-1");
              assertThat(record.value()).isEqualTo("{\"comm\":\"sh\"}");
            });
  }

  @Test
  void controlTopicIsCompacted() throws Exception {
    ConfigResource control = new ConfigResource(ConfigResource.Type.TOPIC, CONTROL);

    String cleanupPolicy =
        admin
            .describeConfigs(List.of(control))
            .all()
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
            .get(control)
            .get("cleanup.policy")
            .value();

    assertThat(cleanupPolicy).isEqualTo("compact");
  }

  @Test
  void creatingTheTopicsAgainChangesNothing() throws Exception {
    Map<String, Integer> before = partitionCounts();

    new KafkaTopics(admin).ensure(ContractTopics.DEFAULTS.newTopics(), TIMEOUT);

    assertThat(partitionCounts())
        .isEqualTo(before)
        .isEqualTo(Map.of(CONTROL, 32, STATUS, 3, EVENTS, 6));
  }

  @Test
  void restartOnTheSameDataKeepsClusterAndRecordsAndLeavesNoThreads(@TempDir Path dataDir)
      throws Exception {
    Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
    String clusterId;
    try (EmbeddedKafka first = EmbeddedKafka.start(config(dataDir));
        Admin firstAdmin = admin(first)) {
      clusterId = clusterId(firstAdmin);
      send(first, CONTROL, "trace-uid-2", "{\"operation\":\"start\"}");
    }

    try (EmbeddedKafka second = EmbeddedKafka.start(config(dataDir));
        Admin secondAdmin = admin(second)) {
      assertThat(clusterId(secondAdmin)).isEqualTo(clusterId);
      assertThat(read(second, CONTROL, 1))
          .extracting(ConsumerRecord::value)
          .containsExactly("{\"operation\":\"start\"}");
    }

    assertThat(threadsStillAliveSince(threadsBefore)).isEmpty();
  }

  @Test
  void busyPortIsNamedInTheErrorAndTheDataIsLeftAlone(@TempDir Path dataDir) throws IOException {
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = squatter.getLocalPort();

      assertThatExceptionOfType(PortInUseException.class)
          .isThrownBy(() -> EmbeddedKafka.start(config(dataDir).withPort(port)))
          .withMessageContaining("port " + port + " is already in use")
          .satisfies(e -> assertThat(e.port()).isEqualTo(port));
    }
    try (Stream<Path> files = Files.list(dataDir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aBrokerWithTlsServesTheRolesOverTlsOnlyAndTheirFilesTrustIt(@TempDir Path dataDir)
      throws Exception {
    EmbeddedKafkaConfig config =
        EmbeddedKafkaConfig.defaults()
            .withDataDir(dataDir.resolve("kafka"))
            .withCredentialsDir(dataDir.resolve("credentials"))
            .withPort(0)
            .withTls();
    try (EmbeddedKafka secured = EmbeddedKafka.start(config)) {
      KafkaCredentials credentials = secured.credentials().orElseThrow();
      assertThat(credentials.caCertificate()).isPresent();
      Properties viewer = new Properties();
      try (var reader = Files.newBufferedReader(credentials.clientProperties(KafkaRole.VIEWER))) {
        viewer.load(reader);
      }
      assertThat(viewer.getProperty("security.protocol")).isEqualTo("SASL_SSL");
      viewer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, secured.bootstrapServers());
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(viewer, new StringDeserializer(), new StringDeserializer())) {
        assertThat(consumer.partitionsFor(EVENTS, TIMEOUT)).hasSize(6);
      }

      // The right password without TLS: the broker answers nothing such a client understands.
      viewer.put("security.protocol", "SASL_PLAINTEXT");
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(viewer, new StringDeserializer(), new StringDeserializer())) {
        assertThatExceptionOfType(org.apache.kafka.common.errors.TimeoutException.class)
            .isThrownBy(() -> consumer.partitionsFor(EVENTS, Duration.ofSeconds(5)));
      }
    }
  }

  private static EmbeddedKafkaConfig config(Path dataDir) {
    return EmbeddedKafkaConfig.defaults().withDataDir(dataDir).withPort(0).withoutAuthentication();
  }

  private static Admin admin(EmbeddedKafka broker) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }

  private static String clusterId(Admin client) throws Exception {
    return client.describeCluster().clusterId().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private Map<String, Integer> partitionCounts() throws Exception {
    return admin
        .describeTopics(List.of(CONTROL, STATUS, EVENTS))
        .allTopicNames()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
        .values()
        .stream()
        .collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
  }

  private static void send(EmbeddedKafka broker, String topic, String key, String value)
      throws InterruptedException, ExecutionException, TimeoutException {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      producer
          .send(new ProducerRecord<>(topic, key, value))
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** Reads a topic from the start without a consumer group, so no group rebalance is awaited. */
  private static List<ConsumerRecord<String, String>> read(
      EmbeddedKafka broker, String topic, int count) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringDeserializer(),
            new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, TIMEOUT).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer
            .poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))
            .forEach(records::add);
      }
      return records;
    }
  }

  /**
   * The threads started since {@code before} that have not ended within a few seconds: a thread
   * pool that Kafka shut down and awaited reports itself terminated just before its last thread
   * returns from its run method, so that thread may still be alive for a moment.
   */
  private static List<String> threadsStillAliveSince(Set<Thread> before)
      throws InterruptedException {
    long deadline = System.nanoTime() + THREAD_END_TIMEOUT.toNanos();
    List<String> alive = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(thread)) {
        thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        if (thread.isAlive()) {
          alive.add(thread.getName());
        }
      }
    }
    return alive;
  }
}
