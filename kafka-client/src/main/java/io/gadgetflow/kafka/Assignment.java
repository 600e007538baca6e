package io.gadgetflow.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions read of some topics ({@link TopicStart}) assigned to one consumer, each topic
 * positioned where its reading starts, and where each partition ended at that moment.
 */
final class Assignment {
  private final Map<TopicPartition, Long> endsWhenPositioned;

  private Assignment(Map<TopicPartition, Long> endsWhenPositioned) {
    this.endsWhenPositioned = endsWhenPositioned;
  }

  static Assignment position(Consumer<?, ?> consumer, List<TopicStart> starts, Duration timeout) {
    List<List<TopicPartition>> partitionsByTopic = new ArrayList<>();
    List<TopicPartition> all = new ArrayList<>();
    for (TopicStart start : starts) {
      List<TopicPartition> partitions =
          start.partitionsRead(TopicPartitions.of(consumer, start.topic(), timeout));
      partitionsByTopic.add(partitions);
      all.addAll(partitions);
    }
    consumer.assign(all);
    for (int i = 0; i < starts.size(); i++) {
      starts.get(i).seek(consumer, partitionsByTopic.get(i));
    }
    // Seeking to the beginning or the end is lazy; asking for the positions fixes them now, so that
    // a record written after this method returns is read.
    all.forEach(partition -> consumer.position(partition, timeout));
    return new Assignment(consumer.endOffsets(all, timeout));
  }

  /** Whether every partition was read up to where it ended when it was positioned. */
  boolean caughtUp(Consumer<?, ?> consumer) {
    return endsWhenPositioned.entrySet().stream()
        .allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
  }
}
