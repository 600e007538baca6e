package io.gadgetflow.testing;

import io.gadgetflow.local.kafka.KafkaTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The test run's Kafka broker as tests see it. The broker is shared by every test of the run, so
 * tests keep apart by working on topics of their own ({@link #createTopic(String)}).
 */
public final class KafkaBroker {
  private static final Duration TOPIC_CREATION_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final Map<String, Object> clientSettings;
  private final KafkaTopics topics;
  private final AtomicInteger topicSequence = new AtomicInteger();

  /**
   * @param clientSettings {@code bootstrap.servers} and, on a broker that requires it, an
   *     administrator's login: what the producers and consumers made here use
   */
  KafkaBroker(Map<String, Object> clientSettings, Admin admin) {
    this.bootstrapServers = (String) clientSettings.get("bootstrap.servers");
    this.clientSettings = Map.copyOf(clientSettings);
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
    createTopicNamed(name, partitions);
    return name;
  }

  /**
   * Creates the topic {@code name}, which the caller keeps apart from other tests', and returns
   * once every partition has a leader: for tests of what happens before a topic exists.
   */
  public void createTopicNamed(String name, int partitions) {
    topics.ensure(List.of(new NewTopic(name, partitions, (short) 1)), TOPIC_CREATION_TIMEOUT);
  }

  /** A new producer of string keys and values; the caller closes it. */
  public KafkaProducer<String, String> producer() {
    return new KafkaProducer<>(clientSettings, new StringSerializer(), new StringSerializer());
  }

  /**
   * Writes {@link PoisonRecords#examples} of {@code good} to {@code topic}: each under {@code key},
   * and the first also without a key. Returns how many records it wrote.
   */
  public int writePoison(String topic, String key, byte[] good) throws Exception {
    List<byte[]> values = PoisonRecords.examples(good);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(clientSettings, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, null, values.getFirst())).get();
      for (byte[] value : values) {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
      }
    }
    return values.size() + 1;
  }

  /**
   * Reads {@code topic} from the beginning of every partition, without a consumer group, until at
   * least {@code count} records have arrived, and returns all records read.
   *
   * @throws AssertionError when fewer than {@code count} records arrive within {@code timeout}
   */
  public List<ConsumerRecord<String, String>> consume(String topic, int count, Duration timeout) {
    return consumeMatching(topic, record -> true, count, timeout);
  }

  /**
   * Reads {@code topic} from the beginning of every partition, without a consumer group, until at
   * least {@code count} records match, and returns the matching records in the order read.
   *
   * @throws AssertionError when fewer than {@code count} match within {@code timeout}
   */
  public List<ConsumerRecord<String, String>> consumeMatching(
      String topic,
      Predicate<ConsumerRecord<String, String>> matching,
      int count,
      Duration timeout) {
    List<ConsumerRecord<String, String>> matched = new ArrayList<>();
    read(
        topic,
        timeout,
        record -> {
          if (matching.test(record)) {
            matched.add(record);
          }
          return matched.size() >= count;
        },
        () -> "%d of %d matching records".formatted(matched.size(), count) + matched);
    return matched;
  }

  /**
   * Reads {@code topic} from the beginning of every partition, without a consumer group, up to and
   * including the first record that is {@code last}, and returns every record read.
   *
   * @throws AssertionError when no record is {@code last} within {@code timeout}
   */
  public List<ConsumerRecord<String, String>> consumeUntil(
      String topic, Predicate<ConsumerRecord<String, String>> last, Duration timeout) {
    List<ConsumerRecord<String, String>> read = new ArrayList<>();
    read(
        topic,
        timeout,
        record -> {
          read.add(record);
          return last.test(record);
        },
        () -> "no last record among " + read.size() + " read");
    return read;
  }

  /** How many records {@code topic} holds now, over all partitions. */
  public long recordCount(String topic) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(clientSettings, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(partition -> new TopicPartition(topic, partition.partition()))
              .toList();
      long end = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
      long begin =
          consumer.beginningOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
      return end - begin;
    }
  }

  /** Hands records to {@code done} in order until it returns true. */
  private void read(
      String topic,
      Duration timeout,
      Predicate<ConsumerRecord<String, String>> done,
      Supplier<String> whatArrived) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(clientSettings, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(partition -> new TopicPartition(topic, partition.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new AssertionError("Topic " + topic + " does not exist");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (true) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new AssertionError(
              "Topic %s within %s: %s".formatted(topic, timeout, whatArrived.get()));
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofNanos(remaining))) {
          if (done.test(record)) {
            return;
          }
        }
      }
    }
  }
}
