package io.gadgetflow.kafka;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Every partition of a topic, for a consumer that assigns them itself. */
public final class TopicPartitions {
  private TopicPartitions() {}

  /**
   * @throws MissingTopicException when Kafka has no such topic: assigning no partition would make
   *     the next poll throw
   * @throws org.apache.kafka.common.KafkaException when Kafka does not answer within {@code
   *     timeout}
   */
  public static List<TopicPartition> of(Consumer<?, ?> consumer, String topic, Duration timeout) {
    List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
    if (partitions == null || partitions.isEmpty()) {
      throw new MissingTopicException(topic);
    }
    return partitions.stream()
        .map(partition -> new TopicPartition(topic, partition.partition()))
        .toList();
  }
}
