package io.gadgetflow.kubectl;

import io.gadgetflow.kafka.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The events topic read from where it ended before this run's Traces existed, so none of their
 * events is missed, and filtered to their uids (the record key). Every partition is read rather
 * than the ones the keys hash to: that would tie this reader to the producer's partitioner, and a
 * change there would lose events without a word. No consumer group: each run reads for itself and
 * commits nothing.
 */
final class EventTopic implements AutoCloseable {
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration END_POLL = Duration.ofMillis(200);

  private final KafkaConsumer<String, String> consumer;
  private volatile Set<String> traceUids = Set.of();

  private EventTopic(KafkaConsumer<String, String> consumer) {
    this.consumer = consumer;
  }

  /**
   * Opens {@code topic} at its current end.
   *
   * @throws CommandFailure when Kafka does not answer or lacks the topic
   */
  static EventTopic openAtEnd(KafkaClients kafka, String topic) {
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            kafka.groupFreeConsumer("kubectl-gadget-events"),
            new StringDeserializer(),
            new StringDeserializer());
    try {
      List<TopicPartition> partitions =
          KafkaTopicPartitions.of(consumer, kafka.bootstrapServers(), topic, KAFKA_TIMEOUT);
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      // seekToEnd is lazy; asking for the positions fixes them now, before any Trace exists.
      partitions.forEach(partition -> consumer.position(partition, KAFKA_TIMEOUT));
      return new EventTopic(consumer);
    } catch (RuntimeException e) {
      consumer.close(Duration.ZERO);
      throw e;
    }
  }

  /** From now on, {@link #poll} returns the events of these Traces. */
  void follow(Set<String> uids) {
    traceUids = Set.copyOf(uids);
  }

  /** The followed Traces' events that arrived within {@code timeout}, as JSON, in order. */
  List<String> poll(Duration timeout) {
    List<String> events = new ArrayList<>();
    Set<String> uids = traceUids;
    for (ConsumerRecord<String, String> record : consumer.poll(timeout)) {
      if (record.value() != null && uids.contains(record.key())) {
        events.add(record.value());
      }
    }
    return events;
  }

  /**
   * The followed Traces' events up to where each partition ends now, so that the last events of
   * Traces already stopped are all read, however far behind this reader is: a node answers a stop
   * once Kafka has its trace's last events. Reads for at most {@code timeout}; what is left then is
   * not read.
   */
  List<String> pollToCurrentEnd(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), KAFKA_TIMEOUT);
    List<String> events = new ArrayList<>();
    while (Instant.now().isBefore(deadline) && !reached(ends)) {
      Duration left = Duration.between(Instant.now(), deadline);
      events.addAll(poll(left.compareTo(END_POLL) < 0 ? left : END_POLL));
    }
    return events;
  }

  private boolean reached(Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream()
        .allMatch(end -> consumer.position(end.getKey(), KAFKA_TIMEOUT) >= end.getValue());
  }

  @Override
  public void close() {
    consumer.close(Duration.ZERO);
  }
}
