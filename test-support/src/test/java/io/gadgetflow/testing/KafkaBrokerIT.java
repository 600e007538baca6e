package io.gadgetflow.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

@WithKafka
class KafkaBrokerIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void everyCreatedTopicIsNew(KafkaBroker kafka) {
    assertThat(kafka.createTopic("orders")).isNotEqualTo(kafka.createTopic("orders"));
  }

  @Test
  void producedRecordsAreConsumedFromEveryPartition(KafkaBroker kafka) throws Exception {
    String topic = kafka.createTopic("round-trip", 3);
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      for (String key : new String[] {"a", "b", "c"}) {
        producer
            .send(new ProducerRecord<>(topic, key, "value of " + key))
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    }

    assertThat(kafka.consume(topic, 3, TIMEOUT))
        .extracting(ConsumerRecord::key, ConsumerRecord::value)
        .containsExactlyInAnyOrder(
            tuple("a", "value of a"), tuple("b", "value of b"), tuple("c", "value of c"));
  }

  @Test
  void consumingGivesUpAtTheDeadlineAndSaysWhatArrived(KafkaBroker kafka) {
    String topic = kafka.createTopic("empty");

    assertThatExceptionOfType(AssertionError.class)
        .isThrownBy(() -> kafka.consume(topic, 1, Duration.ofMillis(300)))
        .withMessageStartingWith("Topic " + topic + " within PT0.3S: 0 of 1 matching records");
  }

  @Test
  void consumingAMissingTopicSaysSo(KafkaBroker kafka) {
    assertThatExceptionOfType(AssertionError.class)
        .isThrownBy(() -> kafka.consume("no-such-topic", 1, Duration.ofSeconds(5)))
        .withMessage("Topic no-such-topic does not exist");
  }
}
