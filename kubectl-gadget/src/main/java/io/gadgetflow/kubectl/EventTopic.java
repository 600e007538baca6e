package io.gadgetflow.kubectl;

import io.gadgetflow.kafka.ContractRecords;
import io.gadgetflow.kafka.ContractRecords.Read;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.RecordFault;
import io.gadgetflow.kafka.SkippedRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The events topic read from where it ended before this run's Traces existed, so none of their
 * events is missed, and filtered to their uids (the record key). Every partition is read rather
 * than the ones the keys hash to: that would tie this reader to the producer's partitioner, and a
 * change there would lose events without a word. No consumer group: each run reads for itself and
 * commits nothing. Records of either form are read (one event, or a batch of events one a line:
 * docs/events.md). A record of these Traces that is neither is skipped, and each kind of such
 * record is told once.
 */
final class EventTopic implements AutoCloseable {
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration END_POLL = Duration.ofMillis(200);

  /** Kafka's record limit: no event this reader is given can be larger. */
  private static final int MAX_EVENT_BYTES = 1024 * 1024;

  private final KafkaConsumer<String, byte[]> consumer;
  private final SkippedRecords skipped;
  private volatile Set<String> traceUids = Set.of();

  private EventTopic(KafkaConsumer<String, byte[]> consumer, SkippedRecords skipped) {
    this.consumer = consumer;
    this.skipped = skipped;
  }

  /**
   * Opens {@code topic} at its current end.
   *
   * @param skippedFirstOfKind told about the first skipped record of each kind
   * @throws CommandFailure when Kafka does not answer or lacks the topic
   */
  static EventTopic openAtEnd(
      KafkaClients kafka, String topic, Consumer<String> skippedFirstOfKind) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            kafka.groupFreeConsumer("kubectl-gadget-events"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    try {
      List<TopicPartition> partitions =
          KafkaTopicPartitions.of(consumer, kafka.bootstrapServers(), topic, KAFKA_TIMEOUT);
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      // seekToEnd is lazy; asking for the positions fixes them now, before any Trace exists.
      partitions.forEach(partition -> consumer.position(partition, KAFKA_TIMEOUT));
      return new EventTopic(consumer, new SkippedRecords("events", skippedFirstOfKind));
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
    for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
      if (record.key() == null || !uids.contains(record.key())) {
        continue;
      }
      switch (ContractRecords.events(
          record.key(), record.value(), record.headers(), MAX_EVENT_BYTES)) {
        case Read.Valid<List<String>>(List<String> jsons) -> events.addAll(jsons);
        case Read.Skipped<List<String>>(RecordFault fault, String detail) ->
            skipped.skip(
                SkippedRecords.where(record.topic(), record.partition(), record.offset()),
                fault,
                detail);
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
