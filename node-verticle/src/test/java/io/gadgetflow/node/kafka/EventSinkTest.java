package io.gadgetflow.node.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.kafka.Losses;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The queue between ring readers and Kafka holds a number of bytes, whatever the events' sizes, and
 * a trace that floods it keeps a quarter of it free for the others.
 */
class EventSinkTest {
  private static final int SMALL_EVENT = (int) EventQueue.recordBytes(104);
  private static final int ROOM_FOR_TEN_KILOBYTE_EVENTS = 10 * (int) EventQueue.recordBytes(1000);

  private final EventStream stream = ExecsnoopStream.create();
  private final EventStream otherTrace = ExecsnoopStream.create();

  /** Holds the sender in its first send, so that whatever is offered after stays queued. */
  private final StalledProducer producer = new StalledProducer();

  private final EventSink sink =
      EventSink.around(producer, "gadget.events", ROOM_FOR_TEN_KILOBYTE_EVENTS, EventForm.RECORD);

  @AfterEach
  void release() {
    producer.release.countDown();
    sink.close();
  }

  /**
   * A producer that fails in a way the sender does not expect (here: a send throws what Kafka's
   * producer never does) ends the sender thread; the agent's supervision hears of it, which turns
   * {@code /health} DOWN and restarts the agent instead of letting every event queue up and be
   * counted lost.
   */
  @Test
  void aSenderThatDiesIsReportedToTheSupervision() throws Exception {
    MockProducer<byte[], byte[]> broken =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    broken.sendException = new UnsupportedOperationException("a producer broken unexpectedly");
    Supervision supervision = new Supervision();
    CompletableFuture<Supervision.Failure> told = new CompletableFuture<>();
    supervision.onFailure(told::complete);

    try (EventSink dying =
        new EventSink(
            broken,
            "gadget.events",
            ROOM_FOR_TEN_KILOBYTE_EVENTS,
            EventForm.RECORD,
            null,
            supervision)) {
      assertThat(dying.offer(stream, 1, "{}".getBytes(UTF_8))).isTrue();

      Supervision.Failure failure = told.get(30, TimeUnit.SECONDS);
      assertThat(failure.part()).isEqualTo("gadgetflow-event-sender");
      assertThat(failure.cause()).isInstanceOf(UnsupportedOperationException.class);
      assertThat(supervision.failure()).contains(failure);
    }
  }

  /**
   * Kafka away: the sender waits in a send for metadata that never comes, as Kafka's producer does
   * for up to a minute. The close ends within its bound anyway (the agent's stop must end within
   * its pod's grace period), the producer's close releasing the send, and every event queued is
   * counted as not delivered: none vanishes without a count.
   */
  @Test
  void aCloseWhileKafkaIsAwayEndsInTimeAndCountsEveryEventItCouldNotSend() {
    MetadataWaitingProducer away = new MetadataWaitingProducer();
    Supervision supervision = new Supervision();
    EventSink closing =
        new EventSink(away, "gadget.events", 1024 * 1024, EventForm.RECORD, null, supervision);
    EventStream trace = closing.stream("node-1", ExecsnoopStream.trace());
    for (int i = 0; i < 100; i++) {
      assertThat(closing.offer(trace, i, "{}".getBytes(UTF_8))).isTrue();
    }

    long start = System.nanoTime();
    closing.close();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(tookMillis).isLessThan(EventSink.CLOSE_TIMEOUT.plusSeconds(2).toMillis());
    assertThat(trace.failed()).as("events counted as not delivered").isEqualTo(100);
    assertThat(trace.delivered()).isZero();
    assertThat(supervision.failure()).as("the sender's end is no death").isEmpty();
  }

  /**
   * Kafka away, as Kafka's producer meets it: a send waits for metadata until the producer is
   * closed, and fails then; a send after the close is refused as an illegal state.
   */
  private static final class MetadataWaitingProducer extends MockProducer<byte[], byte[]> {
    private final CountDownLatch closed = new CountDownLatch(1);

    MetadataWaitingProducer() {
      super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
      if (closed.getCount() == 0) {
        throw new IllegalStateException("Cannot perform operation after producer has been closed");
      }
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new KafkaException("Requested metadata update after close");
    }

    @Override
    public void close(Duration timeout) {
      closed.countDown();
      super.close(timeout);
    }
  }

  @Test
  void refusesLargeEventsOnceTheirBytesFillTheQueue() throws Exception {
    stallTheSender();

    // Three quarters of the room for the first trace, the last quarter for the other.
    assertThat(acceptedOf(stream, 20, 1000)).isEqualTo(7);
    assertThat(acceptedOf(otherTrace, 20, 1000)).isEqualTo(3);
    assertThat(sink.offer(otherTrace, 0, new byte[0])).isFalse();
  }

  @Test
  void holdsManyMoreSmallEventsInTheSameBytes() throws Exception {
    stallTheSender();

    assertThat(acceptedOf(stream, 100, 104))
        .isEqualTo(ROOM_FOR_TEN_KILOBYTE_EVENTS / 4 * 3 / SMALL_EVENT);
  }

  @Test
  void aFloodingTraceKeepsAQuarterOfTheQueueForTheOthers() throws Exception {
    stallTheSender();

    int threeQuarters = ROOM_FOR_TEN_KILOBYTE_EVENTS / 4 * 3 / SMALL_EVENT;
    assertThat(acceptedOf(stream, 1000, 104)).isEqualTo(threeQuarters);
    assertThat(acceptedOf(otherTrace, 1000, 104))
        .isEqualTo((ROOM_FOR_TEN_KILOBYTE_EVENTS - threeQuarters * SMALL_EVENT) / SMALL_EVENT);
  }

  @Test
  void freesItsBytesAsTheSenderTakesEvents() throws Exception {
    stallTheSender();
    assertThat(acceptedOf(stream, 20, 1000)).isEqualTo(7);

    producer.release.countDown();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (producer.history().size() < 8 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(producer.history()).hasSize(8);
    assertThat(acceptedOf(stream, 7, 1000)).isEqualTo(7);
  }

  /**
   * In the batch form, what the sender takes of one trace's events goes as records of up to 64
   * events, one JSON object a line, whose headers name the first event and the count; an event
   * alone and a loss warning go as records of their own, and Kafka's answer to a batch counts for
   * each of its events.
   */
  @Test
  void theBatchFormSendsRunsOfOneTracesEventsAsOneRecord() throws Exception {
    StalledProducer batchProducer = new StalledProducer();
    try (EventSink batching =
        EventSink.around(batchProducer, "gadget.events", 1 << 20, EventForm.BATCH)) {
      assertThat(batching.offer(stream, 0, json(0))).isTrue();
      assertThat(batchProducer.sending.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i <= 100; i++) {
        assertThat(batching.offer(stream, i * 1_000_000L, json(i))).isTrue();
      }
      assertThat(batching.offerWarning(stream, 101_000_000L, json(101), Losses.NONE)).isTrue();
      assertThat(batching.offer(otherTrace, 0, json(0))).isTrue();
      batchProducer.release.countDown();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (stream.delivered() + otherTrace.delivered() < 102 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      List<ProducerRecord<byte[], byte[]>> sent = batchProducer.history();
      assertThat(sent)
          .extracting(record -> new String(record.value(), UTF_8).split("\n").length)
          .containsExactly(1, 64, 36, 1, 1);
      assertThat(new String(sent.get(2).value(), UTF_8))
          .startsWith("{\"n\":65}\n{\"n\":66}\n")
          .endsWith("{\"n\":100}");
      assertThat(header(sent.get(2), "ce_type")).isEqualTo("io.gadgetflow.execsnoop.batch");
      assertThat(header(sent.get(2), "content-type")).isEqualTo("application/x-ndjson");
      assertThat(header(sent.get(2), "gadgetflow_events")).isEqualTo("36");
      assertThat(header(sent.get(2), "ce_id")).endsWith(":65");
      assertThat(header(sent.get(2), "ce_time")).isEqualTo("1970-01-01T00:00:00.065Z");
      assertThat(sent.get(2).timestamp()).isEqualTo(65);
      assertThat(header(sent.get(3), "ce_type")).isEqualTo("io.gadgetflow.execsnoop");
      assertThat(header(sent.get(3), "content-type")).isEqualTo("application/json");
      assertThat(stream.delivered()).isEqualTo(101);
      assertThat(otherTrace.delivered()).isEqualTo(1);
      assertThat(stream.allAnswered().toCompletableFuture().get(10, TimeUnit.SECONDS)).isNull();
    }
  }

  private static byte[] json(int n) {
    return ("{\"n\":" + n + "}").getBytes(UTF_8);
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String key) {
    return new String(record.headers().lastHeader(key).value(), UTF_8);
  }

  private void stallTheSender() throws InterruptedException {
    assertThat(sink.offer(stream, 0, new byte[1])).isTrue();
    assertThat(producer.sending.await(10, TimeUnit.SECONDS)).isTrue();
  }

  private int acceptedOf(EventStream trace, int events, int jsonBytes) {
    int accepted = 0;
    for (int i = 0; i < events; i++) {
      if (sink.offer(trace, 0, new byte[jsonBytes])) {
        accepted++;
      }
    }
    return accepted;
  }

  private static final class StalledProducer extends MockProducer<byte[], byte[]> {
    final CountDownLatch sending = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    StalledProducer() {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<byte[], byte[]> record, Callback callback) {
      sending.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // The sink's header values change with the next record, as Kafka's producer has written
      // them into its batch by then: history keeps the values they had.
      RecordHeaders headers = new RecordHeaders();
      record.headers().forEach(header -> headers.add(header.key(), header.value().clone()));
      return super.send(
          new ProducerRecord<>(
              record.topic(),
              record.partition(),
              record.timestamp(),
              record.key(),
              record.value(),
              headers),
          callback);
    }
  }
}
