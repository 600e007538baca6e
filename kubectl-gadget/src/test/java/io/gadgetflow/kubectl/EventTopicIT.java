package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.WithKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Reading a run's events from the real broker. */
@WithKafka
class EventTopicIT {
  @Test
  void afterTheStopEveryEventAlreadyInKafkaIsRead(KafkaBroker kafka) throws Exception {
    String topic = kafka.createTopic("events", 3);
    KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), KafkaSecurity.PLAINTEXT);
    List<String> skipped = new ArrayList<>();
    try (EventTopic events = EventTopic.openAtEnd(clients, topic, skipped::add)) {
      events.follow(Set.of("uid-a", "uid-b"));
      List<String> sent = new ArrayList<>();
      // Many more than one poll returns (500 records), as a fleet's stop leaves behind.
      try (KafkaProducer<String, String> producer = kafka.producer()) {
        for (int i = 0; i < 3_000; i++) {
          String uid = List.of("uid-a", "uid-b", "uid-other").get(i % 3);
          String event = "{\"uid\":\"%s\",\"n\":%d}".formatted(uid, i);
          producer.send(new ProducerRecord<>(topic, uid, event));
          if (!uid.equals("uid-other")) {
            sent.add(event);
          }
        }
        producer.flush();
      }

      List<String> read = events.pollToCurrentEnd(Duration.ofSeconds(60));

      assertThat(read).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(read.stream().filter(event -> event.contains("uid-a")).toList())
          .isEqualTo(sent.stream().filter(event -> event.contains("uid-a")).toList());
      assertThat(skipped).isEmpty();
    }
  }
}
