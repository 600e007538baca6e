package io.gadgetflow.testing;

import io.gadgetflow.local.kafka.KafkaTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The test run's Kafka broker as tests see it. The broker is shared by every test of the run, so
 * tests keep apart by working on topics of their own ({@link #createTopic(String)}).
 */
public final class KafkaBroker {
  private static final Duration TOPIC_CREATION_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final KafkaTopics topics;
  private final AtomicInteger topicSequence = new AtomicInteger();

  KafkaBroker(String bootstrapServers, Admin admin) {
    this.bootstrapServers = bootstrapServers;
    this.topics = new KafkaTopics(admin);
  }

  /** The {@code bootstrap.servers} value for clients. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Creates a one-partition topic no other test uses and returns its name. */
  public String createTopic(String prefix) {
    return createTopic(prefix, 1);
  }

  /**
   * Creates a topic no other test uses, named {@code <prefix>-<n>}, and returns its name once every
   * partition has a leader.
   */
  public String createTopic(String prefix, int partitions) {
    String name = prefix + "-" + topicSequence.incrementAndGet();
    topics.ensure(List.of(new NewTopic(name, partitions, (short) 1)), TOPIC_CREATION_TIMEOUT);
    return name;
  }

  /** A new producer of string keys and values; the caller closes it. */
  public KafkaProducer<String, String> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
        new StringSerializer(),
        new StringSerializer());
  }

  /**
   * Reads {@code topic} from the beginning of every partition, without a consumer group, until at
   * least {@code count} records have arrived, and returns all records read.
   *
   * @throws AssertionError when fewer than {@code count} records arrive within {@code timeout}
   */
  public List<ConsumerRecord<String, String>> consume(String topic, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
            new StringDeserializer(),
            new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(partition -> new TopicPartition(topic, partition.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new AssertionError("Topic " + topic + " does not exist");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      while (records.size() < count) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new AssertionError(
              "Expected "
                  + count
                  + " records from topic "
                  + topic
                  + " within "
                  + timeout
                  + " but got "
                  + records.size()
                  + ": "
                  + records);
        }
        consumer.poll(Duration.ofNanos(remaining)).forEach(records::add);
      }
      return records;
    }
  }
}
