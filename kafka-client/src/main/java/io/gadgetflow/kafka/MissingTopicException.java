package io.gadgetflow.kafka;

import org.apache.kafka.common.KafkaException;

/**
 * Kafka answered but has no such topic. A Kafka error like any other for a reader that waits for
 * Kafka to come back: the topic may be created later.
 */
public final class MissingTopicException extends KafkaException {
  private static final long serialVersionUID = 1L;

  public MissingTopicException(String topic) {
    super("topic " + topic + " does not exist");
  }
}
