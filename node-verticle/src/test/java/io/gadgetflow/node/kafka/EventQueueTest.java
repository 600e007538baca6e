package io.gadgetflow.node.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.Losses;
import io.gadgetflow.node.kafka.EventQueue.QueuedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The native ring between ring readers and the sender: what a producer writes is what the consumer
 * reads, byte for byte and in order, while both run at once and the records wrap around the ring's
 * end at every possible place.
 */
class EventQueueTest {
  private static final int EVENTS_PER_PRODUCER = 200_000;

  /** A ring of a few records whose size is no power of two: records wrap at ever other places. */
  private static final long SMALL_RING = 4000;

  @Test
  void twoProducersAndTheConsumerAtOnceLoseOrChangeNoByte() throws Exception {
    try (EventQueue queue = new EventQueue(SMALL_RING)) {
      EventStream first = ExecsnoopStream.create();
      EventStream second = ExecsnoopStream.create();
      CompletableFuture<Void> firstDone = CompletableFuture.runAsync(() -> produce(queue, first));
      CompletableFuture<Void> secondDone = CompletableFuture.runAsync(() -> produce(queue, second));

      long[] nextOfFirst = {0};
      long[] nextOfSecond = {0};
      List<QueuedEvent> taken = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (nextOfFirst[0] + nextOfSecond[0] < 2L * EVENTS_PER_PRODUCER) {
        assertThat(System.nanoTime()).as("all events taken in time").isLessThan(deadline);
        taken.clear();
        queue.take(taken, 64);
        for (QueuedEvent event : taken) {
          long[] next = event.stream() == first ? nextOfFirst : nextOfSecond;
          assertThat(event.stream()).isIn(first, second);
          expectEvent(event, next[0]++);
        }
      }

      firstDone.get(10, TimeUnit.SECONDS);
      secondDone.get(10, TimeUnit.SECONDS);
      assertThat(queue.isEmpty()).isTrue();
      assertThat(first.queuedBytes.get()).isZero();
      assertThat(second.queuedBytes.get()).isZero();
    }
  }

  /**
   * A stream names its events by a slot it holds while it has events queued; many streams at once
   * get more slots, and a slot freed by one stream names another's events afterwards.
   */
  @Test
  void eachEventComesOutUnderItsOwnStreamWhenStreamsComeAndGo() {
    try (EventQueue queue = new EventQueue(1 << 20)) {
      List<EventStream> streams = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        List<EventStream> now = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          now.add(ExecsnoopStream.create());
        }
        streams.addAll(now);
        for (int seq = 0; seq < 3; seq++) {
          for (EventStream stream : now) {
            assertThat(queue.offer(stream, null, seq, json(seq), json(seq).length)).isTrue();
          }
        }
        List<QueuedEvent> taken = new ArrayList<>();
        assertThat(queue.take(taken, 1000)).isEqualTo(60);
        for (int i = 0; i < taken.size(); i++) {
          assertThat(taken.get(i).stream()).isSameAs(now.get(i % 20));
          expectEvent(taken.get(i), i / 20);
        }
      }
      assertThat(streams).allSatisfy(stream -> assertThat(stream.queuedBytes.get()).isZero());
    }
  }

  /**
   * Taken as fast as they come, events never reach deeper into the ring than a few records: pages
   * of the ring once written stay resident, and a queue that went on where it was would have made
   * all of its memory resident after its first round.
   */
  @Test
  void anEmptyQueueStartsAgainAtTheRingsBeginning() {
    try (EventQueue queue = new EventQueue(1 << 20)) {
      EventStream stream = ExecsnoopStream.create();
      List<QueuedEvent> taken = new ArrayList<>();
      for (int seq = 0; seq < 20_000; seq++) {
        byte[] json = json(seq);
        assertThat(queue.offer(stream, warningOrEvent(seq), seq, json, json.length)).isTrue();
        if (seq % 2 == 1) {
          taken.clear();
          assertThat(queue.take(taken, 10)).isEqualTo(2);
          expectEvent(taken.get(0), seq - 1);
          expectEvent(taken.get(1), seq);
        }
      }

      assertThat(queue.deepestBytes()).isLessThanOrEqualTo(2 * EventQueue.recordBytes(300));
    }
  }

  @Test
  void aClosedQueueRefusesEvents() {
    EventQueue queue = new EventQueue(1024);
    queue.close();

    assertThat(queue.offer(ExecsnoopStream.create(), null, 0, new byte[8], 8)).isFalse();
    assertThat(queue.take(new ArrayList<>(), 10)).isZero();
  }

  private static void produce(EventQueue queue, EventStream stream) {
    for (long seq = 0; seq < EVENTS_PER_PRODUCER; seq++) {
      byte[] json = json(seq);
      while (!queue.offer(stream, warningOrEvent(seq), seq, json, json.length)) {
        Thread.onSpinWait();
      }
    }
  }

  /** Every length from 0 to 300 bytes, each byte telling its event and place. */
  private static byte[] json(long seq) {
    byte[] json = new byte[(int) (seq * 7 % 301)];
    for (int i = 0; i < json.length; i++) {
      json[i] = (byte) (seq * 31 + i);
    }
    return json;
  }

  private static boolean isWarning(long seq) {
    return seq % 10 == 3;
  }

  /** For a warning, the losses it tells of; null for an event. */
  private static Losses warningOrEvent(long seq) {
    return isWarning(seq) ? Losses.NONE : null;
  }

  private static void expectEvent(QueuedEvent event, long seq) {
    assertThat(event.id()).isEqualTo(seq);
    assertThat(event.epochNanos()).isEqualTo(seq);
    assertThat(event.json()).isEqualTo(json(seq));
    assertThat(event.outcome() == event.stream())
        .as("an event's outcome")
        .isEqualTo(!isWarning(seq));
  }
}
