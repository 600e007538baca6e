package io.gadgetflow.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClusterIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String EVENTS = ContractTopics.DEFAULTS.names().events();

  @TempDir Path dataDir;

  @Test
  void aKilledBrokerLosesNoAcknowledgedWriteAndRejoinsAfterRestart() throws Exception {
    try (KafkaCluster cluster =
            KafkaCluster.start(dataDir, 3, ContractTopics.DEFAULTS, List.of("-Xmx256m"), TIMEOUT);
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
        KafkaProducer<String, String> producer = producer(cluster)) {
      TopicPartitionInfo partition = events(admin).partitions().getFirst();
      assertThat(partition.replicas()).hasSize(3);
      assertThat(partition.isr()).hasSize(3);

      send(producer, "before", 10);
      int leader = partition.leader().id();
      long leaderPid = cluster.pid(leader);
      cluster.kill(leader);
      assertThat(ProcessHandle.of(leaderPid)).isEmpty();
      // Acknowledged by all in-sync replicas, which are now two.
      send(producer, "after", 10);

      assertThat(readAll(cluster, 20))
          .containsExactlyElementsOf(
              List.of(
                  "before-0",
                  "before-1",
                  "before-2",
                  "before-3",
                  "before-4",
                  "before-5",
                  "before-6",
                  "before-7",
                  "before-8",
                  "before-9",
                  "after-0",
                  "after-1",
                  "after-2",
                  "after-3",
                  "after-4",
                  "after-5",
                  "after-6",
                  "after-7",
                  "after-8",
                  "after-9"));

      cluster.restart(leader);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!inSync(admin, leader) && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(200);
      }
      assertThat(inSync(admin, leader)).as("node %d back in sync", leader).isTrue();
    }
  }

  private static TopicDescription events(Admin admin) throws Exception {
    return admin.describeTopics(Set.of(EVENTS)).allTopicNames().get().get(EVENTS);
  }

  /** Whether {@code node} is an in-sync replica of the events topic's first partition again. */
  private static boolean inSync(Admin admin, int node) throws Exception {
    return events(admin).partitions().getFirst().isr().stream()
        .map(Node::id)
        .collect(Collectors.toSet())
        .contains(node);
  }

  private static KafkaProducer<String, String> producer(KafkaCluster cluster) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cluster.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new StringSerializer());
  }

  private static void send(KafkaProducer<String, String> producer, String prefix, int count)
      throws Exception {
    for (int i = 0; i < count; i++) {
      producer
          .send(new ProducerRecord<>(EVENTS, 0, "key", prefix + "-" + i))
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private static List<String> readAll(KafkaCluster cluster, int count) {
    TopicPartition first = new TopicPartition(EVENTS, 0);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.assign(List.of(first));
      consumer.seekToBeginning(List.of(first));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (values.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }
}
