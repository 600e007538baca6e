package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.node.kafka.EventForm;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.kafka.EventStream;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.StreamTraceStarts;
import io.gadgetflow.testing.WithKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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

  /**
   * A node agent told to batch ({@code GADGETFLOW_EVENT_FORM=batch}) writes a trace's events as
   * records of several events each; they are read as the same events in the same order as the
   * per-event form's.
   */
  @Test
  void aBatchingAgentsEventsAreReadOneByOneInOrder(KafkaBroker kafka) throws Exception {
    String topic = kafka.createTopic("events", 3);
    KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), KafkaSecurity.PLAINTEXT);
    ControlRecord trace =
        StreamTraceStarts.of("open", "uid-batch", "node-1", "opensnoop", "op-1", Instant.EPOCH);
    EventStream stream = new EventStream("node-1", trace);
    List<String> skipped = new ArrayList<>();
    List<String> sent = new ArrayList<>();
    try (EventTopic events = EventTopic.openAtEnd(clients, topic, skipped::add)) {
      events.follow(Set.of("uid-batch"));
      try (EventSink sink =
          EventSink.create(
              clients, "node-1", topic, 1 << 24, EventForm.BATCH, null, new Supervision())) {
        for (int i = 0; i < 5_000; i++) {
          String event = "{\"timestamp\":%d,\"type\":\"normal\",\"n\":%d}".formatted(i, i);
          assertThat(sink.offer(stream, i, event.getBytes(StandardCharsets.UTF_8))).isTrue();
          sent.add(event);
        }
        stream.allAnswered().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }

      List<String> read = events.pollToCurrentEnd(Duration.ofSeconds(60));

      assertThat(read).isEqualTo(sent);
      assertThat(stream.delivered()).isEqualTo(5_000);
      // Batched: far fewer records than events.
      assertThat(kafka.recordCount(topic)).isLessThan(5_000 / 4);
      assertThat(skipped).isEmpty();
    }
  }
}
