package io.gadgetflow.faults;

import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.testing.KafkaBroker;

/** The contract's four topics, made anew on the run's broker for one test. */
final class FaultTopics {
  private FaultTopics() {}

  static TopicNames create(KafkaBroker kafka) {
    return new TopicNames(
        kafka.createTopic("control"),
        kafka.createTopic("status"),
        kafka.createTopic("events"),
        kafka.createTopic("nodes"));
  }
}
