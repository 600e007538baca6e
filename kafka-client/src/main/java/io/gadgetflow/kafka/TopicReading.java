package io.gadgetflow.kafka;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One reading of a topic, in the caller's thread, up to where the topic ended when it began. */
public final class TopicReading {
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  private TopicReading() {}

  /**
   * Hands every record from {@code start} up to the topic's end at the time of the call to {@code
   * each}, in each partition's order.
   *
   * @param timeout how long each request to Kafka may take before it fails
   * @throws org.apache.kafka.common.KafkaException when Kafka fails or has no such topic
   */
  public static void toEnd(
      org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer,
      TopicStart start,
      Duration timeout,
      Consumer<ConsumerRecord<String, byte[]>> each) {
    Assignment assignment = Assignment.position(consumer, List.of(start), timeout);
    while (!assignment.caughtUp(consumer)) {
      consumer.poll(POLL_TIMEOUT).forEach(each);
    }
  }
}
