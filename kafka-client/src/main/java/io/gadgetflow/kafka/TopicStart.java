package io.gadgetflow.kafka;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Where reading a topic starts: its beginning, its end, or its first record since a time; in every
 * partition of the topic, or in one of them.
 */
public final class TopicStart {
  private enum From {
    BEGINNING,
    END,
    TIME
  }

  private final String topic;
  private final From from;
  private final Supplier<Instant> since;

  /** From the topic's partition count, the one partition read; null: every partition. */
  private final IntUnaryOperator partitionAmong;

  private TopicStart(
      String topic, From from, Supplier<Instant> since, IntUnaryOperator partitionAmong) {
    this.topic = topic;
    this.from = from;
    this.since = since;
    this.partitionAmong = partitionAmong;
  }

  /** Every record the topic holds, then every new one. */
  public static TopicStart beginning(String topic) {
    return new TopicStart(topic, From.BEGINNING, null, null);
  }

  /** Only records written after the reader positioned itself. */
  public static TopicStart end(String topic) {
    return new TopicStart(topic, From.END, null, null);
  }

  /**
   * Records written since {@code since}, asked again each time the reader positions itself (a
   * sliding window after a reconnection).
   */
  public static TopicStart since(String topic, Supplier<Instant> since) {
    return new TopicStart(topic, From.TIME, since, null);
  }

  /**
   * Every record of one partition of the topic, then every new one of it: the partition that {@code
   * partitionAmong} picks from the topic's partition count, asked each time the reader positions
   * itself.
   */
  public static TopicStart beginningOfOnePartition(String topic, IntUnaryOperator partitionAmong) {
    return new TopicStart(topic, From.BEGINNING, null, partitionAmong);
  }

  public String topic() {
    return topic;
  }

  /** Of the topic's partitions, {@code all}, those read. */
  List<TopicPartition> partitionsRead(List<TopicPartition> all) {
    return partitionAmong == null
        ? all
        : List.of(new TopicPartition(topic, partitionAmong.applyAsInt(all.size())));
  }

  void seek(Consumer<?, ?> consumer, List<TopicPartition> partitions) {
    switch (from) {
      case BEGINNING -> consumer.seekToBeginning(partitions);
      case END -> consumer.seekToEnd(partitions);
      case TIME -> seekToTime(consumer, partitions, since.get());
    }
  }

  private static void seekToTime(
      Consumer<?, ?> consumer, List<TopicPartition> partitions, Instant time) {
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(partition -> times.put(partition, time.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
    for (TopicPartition partition : partitions) {
      OffsetAndTimestamp offset = offsets.get(partition);
      if (offset == null) {
        consumer.seekToEnd(List.of(partition));
      } else {
        consumer.seek(partition, offset.offset());
      }
    }
  }
}
