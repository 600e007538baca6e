package io.gadgetflow.kubectl;

import io.gadgetflow.kafka.MissingTopicException;
import io.gadgetflow.kafka.TopicPartitions;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/** A topic's partitions, or one line saying why Kafka could not tell. */
final class KafkaTopicPartitions {
  private KafkaTopicPartitions() {}

  /**
   * @throws CommandFailure when Kafka does not answer within {@code timeout} or has no such topic
   */
  static List<TopicPartition> of(
      Consumer<?, ?> consumer, String bootstrapServers, String topic, Duration timeout) {
    try {
      return TopicPartitions.of(consumer, topic, timeout);
    } catch (MissingTopicException e) {
      throw new CommandFailure(
          "Kafka at %s has no topic %s: is it GadgetFlow's Kafka?"
              .formatted(bootstrapServers, topic),
          e);
    } catch (KafkaException e) {
      throw new CommandFailure(
          "Kafka at %s did not answer within %ds (%s); give its address with --kafka-bootstrap or $%s"
              .formatted(
                  bootstrapServers,
                  timeout.toSeconds(),
                  e.getMessage(),
                  KafkaOptions.BOOTSTRAP_VARIABLE),
          e);
    }
  }
}
