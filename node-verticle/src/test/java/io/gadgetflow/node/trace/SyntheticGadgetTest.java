package io.gadgetflow.node.trace;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.Losses;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.kafka.EventForm;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.kafka.ExecsnoopStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class SyntheticGadgetTest {
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final NodeConfig config = NodeConfig.defaults("node-1", "127.0.0.1:1");

  @Test
  void emittedEventsTakeTheAgentsPathToEveryJoinedTrace() {
    EventSink sink =
        EventSink.around(
            producer, config.topics().events(), config.eventQueueBytes(), config.eventForm());
    SyntheticGadget gadget = new SyntheticGadget("execsnoop", sink, "node-1");
    TraceSession first = gadget.join(ExecsnoopStream.start("uid-1"), Optional.empty());
    TraceSession second = gadget.join(ExecsnoopStream.start("uid-2"), Optional.empty());

    gadget.emit(1_000_000_000L, "{\"comm\":\"a\"}".getBytes(UTF_8));
    first.close();
    gadget.emit(2_000_000_000L, "{\"comm\":\"b\"}".getBytes(UTF_8));
    // Sends what is queued and waits for the acknowledgements.
    sink.close();

    assertThat(producer.history())
        .extracting(r -> new String(r.key(), UTF_8), r -> new String(r.value(), UTF_8))
        .containsExactlyInAnyOrder(
            tuple("uid-1", "{\"comm\":\"a\"}"),
            tuple("uid-2", "{\"comm\":\"a\"}"),
            tuple("uid-2", "{\"comm\":\"b\"}"));
    ProducerRecord<byte[], byte[]> last = producer.history().getLast();
    assertThat(new String(last.headers().lastHeader("ce_source").value(), UTF_8))
        .isEqualTo("/gadgetflow/nodes/node-1");
    assertThat(last.timestamp()).isEqualTo(2_000L);
    assertThat(second.counters()).isEqualTo(new EventCounters(2, Losses.NONE));
  }

  @Test
  void aStoppedTraceCountsItsLastEventsOnceKafkaAnsweredThem() throws Exception {
    MockProducer<byte[], byte[]> unanswering =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    try (EventSink sink =
        EventSink.around(
            unanswering, config.topics().events(), config.eventQueueBytes(), config.eventForm())) {
      SyntheticGadget gadget = new SyntheticGadget("execsnoop", sink, "node-1");
      TraceSession session = gadget.join(ExecsnoopStream.start("uid-1"), Optional.empty());
      gadget.emit(1_000_000_000L, "{\"comm\":\"a\"}".getBytes(UTF_8));
      gadget.emit(2_000_000_000L, "{\"comm\":\"b\"}".getBytes(UTF_8));
      session.close();
      CompletableFuture<Void> lastAnswered = session.lastEventsAnswered().toCompletableFuture();

      assertThat(lastAnswered).isNotDone();
      assertThat(session.counters()).isEqualTo(new EventCounters(0, Losses.NONE));
      // The sink's sender hands the queued events to the producer; Kafka answers both.
      for (int answered = 0; answered < 2; ) {
        if (unanswering.completeNext()) {
          answered++;
        } else {
          Thread.onSpinWait();
        }
      }

      lastAnswered.get(10, TimeUnit.SECONDS);
      assertThat(session.counters()).isEqualTo(new EventCounters(2, Losses.NONE));
    }
  }

  @Test
  void lossesSayWhereTheyHappenedAndSumToTheLostCount() throws Exception {
    MockProducer<byte[], byte[]> unanswering =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    byte[] json = "{\"comm\":\"a\"}".getBytes(UTF_8);
    // A queue of a few hundred bytes refuses an event once the sender is a few events behind.
    long fewEvents = 4L * (json.length + 100);
    try (EventSink sink =
        EventSink.around(unanswering, config.topics().events(), fewEvents, EventForm.RECORD)) {
      SyntheticGadget gadget = new SyntheticGadget("execsnoop", sink, "node-1");
      TraceSession session = gadget.join(ExecsnoopStream.start("uid-1"), Optional.empty());
      int offered = 0;
      while (session.counters().lostAt().queue() == 0) {
        gadget.emit(1_000_000_000L, json);
        offered++;
      }
      session.close();
      // Kafka refuses the first event handed to it, takes the others.
      for (int answered = 0; answered < offered - 1; ) {
        if (answered == 0
            ? unanswering.errorNext(new KafkaException("refused"))
            : unanswering.completeNext()) {
          answered++;
        } else {
          Thread.onSpinWait();
        }
      }
      session.lastEventsAnswered().toCompletableFuture().get(10, TimeUnit.SECONDS);

      EventCounters counters = session.counters();
      assertThat(counters.lostAt()).isEqualTo(new Losses(0, 0, 0, 1, 1, 0));
      assertThat(counters.lost()).isEqualTo(2);
      assertThat(counters.events()).isEqualTo(offered - 2);
    }
  }

  /**
   * Kafka refuses an event, then the warning that tells of it (Kafka still away): the next warning
   * tells of it again, and the warnings Kafka took add up to every loss the counters have.
   */
  @Test
  void aLossKafkaRefusedIsToldInAWarningKafkaTakes() throws Exception {
    MockProducer<byte[], byte[]> unanswering =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    byte[] json = "{\"comm\":\"a\"}".getBytes(UTF_8);
    try (EventSink sink =
        EventSink.around(
            unanswering, config.topics().events(), config.eventQueueBytes(), EventForm.RECORD)) {
      SyntheticGadget gadget = new SyntheticGadget("execsnoop", sink, "node-1");
      TraceSession session = gadget.join(ExecsnoopStream.start("uid-1"), Optional.empty());
      List<String> warningsTaken = new ArrayList<>();
      int answered = 0;
      int warningsRefused = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (warningsTaken.isEmpty()) {
        assertThat(System.nanoTime()).as("a warning Kafka took, in time").isLessThan(deadline);
        gadget.emit(1_000_000_000L, json);
        List<ProducerRecord<byte[], byte[]>> sent = unanswering.history();
        for (; answered < sent.size(); answered++) {
          String value = new String(sent.get(answered).value(), UTF_8);
          boolean warning = value.contains("\"warn\"");
          if (answered == 0 || (warning && warningsRefused == 0)) {
            warningsRefused += warning ? 1 : 0;
            assertThat(unanswering.errorNext(new KafkaException("broker away"))).isTrue();
          } else {
            assertThat(unanswering.completeNext()).isTrue();
            if (warning) {
              warningsTaken.add(value);
            }
          }
        }
      }

      assertThat(warningsRefused).isEqualTo(1);
      assertThat(session.counters().lostAt()).isEqualTo(new Losses(0, 0, 0, 0, 1, 0));
      assertThat(warningsTaken)
          .singleElement()
          .asString()
          .contains("\"message\":\"lost 1 samples\",\"lostAt\":{\"kafka\":1}");
    }
  }

  @Test
  void aTraceWithoutEventsOnTheirWayIsAnsweredAtOnce() {
    try (EventSink sink =
        EventSink.around(
            producer, config.topics().events(), config.eventQueueBytes(), config.eventForm())) {
      TraceSession session =
          new SyntheticGadget("execsnoop", sink, "node-1")
              .join(ExecsnoopStream.start("uid-1"), Optional.empty());
      session.close();

      assertThat(session.lastEventsAnswered().toCompletableFuture()).isDone();
    }
  }

  @Test
  void aClosedGadgetSaysSo() {
    try (EventSink sink =
        EventSink.around(
            producer, config.topics().events(), config.eventQueueBytes(), config.eventForm())) {
      SyntheticGadget gadget = new SyntheticGadget("execsnoop", sink, "node-1");
      assertThat(gadget.isClosed()).isFalse();
      gadget.close();
      assertThat(gadget.isClosed()).isTrue();
    }
  }
}
