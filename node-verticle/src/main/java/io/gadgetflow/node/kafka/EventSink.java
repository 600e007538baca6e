package io.gadgetflow.node.kafka;

import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.Losses;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.node.kafka.EventQueue.QueuedEvent;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries events from ring reader threads to Kafka. Readers hand events to a queue bounded in bytes
 * and never wait: an event that does not fit is refused, and the reader counts it as lost. One
 * sender thread drains the queue into a batching, compressing producer. The queue ({@link
 * EventQueue}) is native memory: a backlog of events never reaches the Java heap's old generation.
 *
 * <p>The queue is shared by every trace of the node, so one trace whose events come faster than
 * Kafka takes them would otherwise fill it and have every other trace's events refused: the kernel
 * ring's flood isolation (gadgetflow_ring_share.h) undone one step later. The same rule applies
 * here: while the queue is more than three quarters full, a trace that holds more than half of what
 * is queued gets no more room until the sender has taken some of its events. A lone flooding trace
 * thus has three quarters of the queue, and the last quarter takes the other traces' events. (Half
 * before issue 18: a node's busiest trace is usually alone, and bench/peers counted half the queue
 * kept for nobody as a large part of its losses.)
 *
 * <p>While events keep coming, the sender takes them 4 ms' worth at a time (the producer lingers
 * longer than that anyway) instead of being woken for each: on a busy node, a wake-up per event
 * would cost a reader and the sender more than the event itself. Only an idle sender is woken, by
 * the first event after a pause.
 *
 * <p>In the {@link EventForm#BATCH batch form}, the sender writes each run of one trace's events in
 * what it took (up to {@link #MAX_BATCH_EVENTS} events, {@link #MAX_BATCH_BYTES} of JSON) as one
 * record, one JSON object a line: Kafka's producer then does its work per record (the record and
 * its headers written into the batch, a callback) once for many events. Warnings about lost events
 * and events that come alone still go as records of their own.
 */
public final class EventSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventSink.class);

  /**
   * The most events the sender takes from the queue at a time: they wait on the heap until they are
   * in Kafka's producer, and a few hundred of them die young whatever the rate.
   */
  private static final int SEND_BATCH = 256;

  /**
   * 4 ms: at 1 ms (before issue 18) the sender was woken a thousand times a second at 50,000
   * events/s, a fixed cost that mattered most at low rates (docs/benchmarks.md, "2026-12-07").
   */
  private static final long BUSY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

  /**
   * How long the producer waits for more records before it sends a batch that is not full: 20 ms.
   * At 5 ms (before issue 18) it sent some 200 requests a second at 50,000 events/s, each with its
   * lz4 frame, its buffers and Kafka's per-request work, which with the wake-ups above made a third
   * of the agent's CPU per event at that rate. The cost is up to 15 ms more from an event to Kafka
   * while batches do not fill, a seventh of the web UI's 100 ms target (docs/benchmarks.md).
   */
  static final int LINGER_MS = 20;

  private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * The most the close waits for Kafka to take what is queued: half of it for the sender to hand
   * the queue to the producer, the rest for the producer's last acknowledgements. A share of the
   * node agent's stop, which must end within its pod's termination grace period (30 s) also while
   * Kafka is away.
   */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /** How long a sender released from a send by the producer's close may take to fail the rest. */
  private static final Duration SENDER_END_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The most events of a batch record: 64 made Kafka's producer work per event a fourteenth of one
   * record per event in bench/peers' contract workload, and more would gain little.
   */
  static final int MAX_BATCH_EVENTS = 64;

  /**
   * The most JSON of a batch record: far below Kafka's default request and record limits (1 MiB)
   * and the readers' limits, whatever the events' sizes.
   */
  static final int MAX_BATCH_BYTES = 128 * 1024;

  /**
   * The producer's buffer: 32 of its 256 KiB batches, which at 500,000 events/s (a batch closed by
   * a 5 ms linger then holds about 2,500 compressed events) is some 0.15 s of events, enough to
   * ride out a slow broker for a moment while the event queue holds more. The producer keeps every
   * batch buffer it ever allocated for reuse, so this much of the heap stays taken once a broker
   * was slow (the event queue is outside the heap, {@link EventQueue}). Beyond that, events wait in
   * the queue, then are counted as lost.
   */
  private static final long PRODUCER_BUFFER_BYTES = 8L * 1024 * 1024;

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Timer sendLatency;
  private final EventQueue queue;
  private final EventForm form;

  /** Events of every stream of this sink that were not delivered: what the close cost is said. */
  private final LongAdder failedEvents = new LongAdder();

  private final Thread sender;
  private final Supervision supervision;
  private volatile boolean closing;

  /** Set while the sender waits for the queue to be non-empty; an offer then wakes it. */
  private volatile boolean senderIdle;

  EventSink(
      Producer<byte[], byte[]> producer,
      String topic,
      long capacityBytes,
      EventForm form,
      Timer sendLatency,
      Supervision supervision) {
    this.producer = producer;
    this.topic = topic;
    this.form = form;
    this.sendLatency = sendLatency;
    this.queue = new EventQueue(capacityBytes);
    this.supervision = supervision;
    this.sender = Thread.ofPlatform().name("gadgetflow-event-sender").start(this::sendUntilClosed);
  }

  /**
   * @param nodeName names the producer's Kafka client
   * @param topic the events topic
   * @param queueBytes the most bytes of events waiting for Kafka (their JSON and {@link
   *     EventQueue#HEADER_BYTES} each, rounded up to 8); more are refused, to be counted as lost
   * @param form one record per event, or batch records
   * @param sendLatency measures the first event of each batch the sender takes, from the send to
   *     Kafka's acknowledgement: every event when they are few, some thousand a second at most when
   *     they are many; null measures nothing
   * @param supervision told when the sender dies, and by the threads that feed the sink when they
   *     do
   */
  public static EventSink create(
      KafkaClients kafka,
      String nodeName,
      String topic,
      long queueBytes,
      EventForm form,
      Timer sendLatency,
      Supervision supervision) {
    return new EventSink(
        new KafkaProducer<>(
            producerConfig(kafka, nodeName), new ByteArraySerializer(), new ByteArraySerializer()),
        topic,
        queueBytes,
        form,
        sendLatency,
        supervision);
  }

  /**
   * A sink like {@link #create}'s that sends through {@code producer}, which it closes when closed.
   * Public for the benchmarks (bench/nodepath): they measure the agent's event path around a
   * producer of their own, one that acknowledges every record at once or Kafka's with changed
   * settings, and read that producer's metrics.
   */
  public static EventSink around(
      Producer<byte[], byte[]> producer, String topic, long queueBytes, EventForm form) {
    return new EventSink(producer, topic, queueBytes, form, null, new Supervision());
  }

  /**
   * The agent's supervision: the sender reports its death there, and so do the threads that feed
   * this sink (the ring readers), which have nowhere to send their events once they died.
   */
  public Supervision supervision() {
    return supervision;
  }

  /**
   * The agent's event producer's settings: every producer's ({@code kafka.producer}), with batching
   * and compression. Public so that a program can make a producer like the agent's: the benchmarks
   * (bench/nodepath, bench/web) send with these, or compare variants of them against these.
   */
  public static Properties producerConfig(KafkaClients kafka, String nodeName) {
    Properties producerConfig = kafka.producer("gadgetflow-node-" + nodeName);
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(LINGER_MS));
    producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    producerConfig.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    producerConfig.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(PRODUCER_BUFFER_BYTES));
    return producerConfig;
  }

  /**
   * A stream of one trace's events into this sink: its events that could not be sent count in what
   * the sink's close says it could not send.
   */
  public EventStream stream(String nodeName, ControlRecord trace) {
    return new EventStream(nodeName, trace, failedEvents);
  }

  /**
   * Queues one event without waiting.
   *
   * @return false when the queue is full; the event is then the caller's to count as lost
   */
  public boolean offer(EventStream stream, long epochNanos, byte[] json) {
    return offer(stream, epochNanos, json, json.length);
  }

  /**
   * Queues the first {@code length} bytes of {@code json} as one event without waiting; they are
   * copied, so the caller may write its next event into the same array (the ring reader's JSON
   * writer does: no array per event).
   *
   * @return false when the queue is full; the event is then the caller's to count as lost
   */
  public boolean offer(EventStream stream, long epochNanos, byte[] json, int length) {
    return offer(stream, null, epochNanos, json, length);
  }

  /**
   * Queues a warning event of the trace's that tells of {@code lost} events ({@link Losses#NONE}
   * for a warning that counts none); it is not one of the trace's events, and should Kafka refuse
   * it, the stream gives what it told of back ({@link EventStream#takeLossesUntold()}).
   */
  public boolean offerWarning(EventStream stream, long epochNanos, byte[] json, Losses lost) {
    return offer(stream, lost, epochNanos, json, json.length);
  }

  private boolean offer(
      EventStream stream, Losses warning, long epochNanos, byte[] json, int length) {
    if (closing || !queue.offer(stream, warning, epochNanos, json, length)) {
      return false;
    }
    if (senderIdle) {
      // Once: on one core the reader may queue many events before the sender runs, and waking an
      // awake thread again still costs a lock.
      senderIdle = false;
      LockSupport.unpark(sender);
    }
    return true;
  }

  private void sendUntilClosed() {
    List<QueuedEvent> batch = new ArrayList<>(SEND_BATCH);
    try {
      while ((!closing || !queue.isEmpty()) && !Thread.currentThread().isInterrupted()) {
        int taken = queue.take(batch, SEND_BATCH);
        for (int i = 0; i < batch.size(); ) {
          int end = form == EventForm.BATCH ? endOfRun(batch, i) : i + 1;
          QueuedEvent first = batch.get(i);
          Callback outcome = end - i == 1 ? first.outcome() : first.stream().batchOutcome(end - i);
          outcome = i == 0 && sendLatency != null ? timed(outcome) : outcome;
          if (end - i == 1) {
            send(first, outcome);
          } else {
            sendBatch(batch.subList(i, end), outcome);
          }
          i = end;
        }
        batch.clear();
        if (taken == SEND_BATCH) {
          continue;
        } else if (taken > 0) {
          LockSupport.parkNanos(BUSY_PAUSE_NANOS);
        } else {
          waitForEvents();
        }
      }
    } catch (RuntimeException | Error e) {
      // Every trace's events would queue up, then be counted lost, while the agent looks healthy.
      LOG.error("Event sender stopped: {}", e.toString(), e);
      supervision.died(Thread.currentThread().getName(), e);
    }
  }

  /**
   * Where the batch record that starts with {@code batch[start]} ends: after the events that follow
   * it of the same trace with the next ids (no warning between), up to {@link #MAX_BATCH_EVENTS}
   * events and {@link #MAX_BATCH_BYTES} of JSON. A warning goes alone.
   */
  private static int endOfRun(List<QueuedEvent> batch, int start) {
    QueuedEvent first = batch.get(start);
    if (first.outcome() != first.stream()) {
      return start + 1;
    }
    long bytes = first.json().length;
    int end = start + 1;
    while (end < batch.size() && end - start < MAX_BATCH_EVENTS) {
      QueuedEvent next = batch.get(end);
      bytes += 1 + next.json().length;
      if (next.stream() != first.stream()
          || next.outcome() != next.stream()
          || next.id() != first.id() + (end - start)
          || bytes > MAX_BATCH_BYTES) {
        break;
      }
      end++;
    }
    return end;
  }

  /**
   * Sleeps until an offer or {@link #close()} wakes it, or a while has passed. Whichever of the
   * flag and the queue the other side writes last, one of them sees the other's write: either the
   * queue is found non-empty here, or the offer finds the flag set and unparks.
   */
  private void waitForEvents() {
    senderIdle = true;
    if (queue.isEmpty() && !closing) {
      LockSupport.parkNanos(this, IDLE_WAIT_NANOS);
    }
    senderIdle = false;
  }

  private Callback timed(Callback outcome) {
    long sentNanos = System.nanoTime();
    return (metadata, exception) -> {
      sendLatency.record(System.nanoTime() - sentNanos, TimeUnit.NANOSECONDS);
      outcome.onCompletion(metadata, exception);
    };
  }

  private void send(QueuedEvent event, Callback outcome) {
    try {
      producer.send(
          new ProducerRecord<>(
              topic,
              null,
              event.epochNanos() / 1_000_000,
              event.stream().key(),
              event.json(),
              event.stream().headers(event.id(), event.epochNanos())),
          outcome);
    } catch (KafkaException | IllegalStateException e) {
      // Refused before it was queued (e.g. too large), or the producer was closed under the send
      // (the close gave up waiting for Kafka): the same as a failed send.
      outcome.onCompletion(null, e);
    }
  }

  /** One record of several events of one trace, one JSON object a line (docs/events.md). */
  private void sendBatch(List<QueuedEvent> events, Callback outcome) {
    QueuedEvent first = events.getFirst();
    int bytes = events.size() - 1;
    for (QueuedEvent event : events) {
      bytes += event.json().length;
    }
    byte[] value = new byte[bytes];
    int at = 0;
    for (QueuedEvent event : events) {
      if (at > 0) {
        value[at++] = '\n';
      }
      System.arraycopy(event.json(), 0, value, at, event.json().length);
      at += event.json().length;
    }
    EventStream stream = first.stream();
    try {
      producer.send(
          new ProducerRecord<>(
              topic,
              null,
              first.epochNanos() / 1_000_000,
              stream.key(),
              value,
              stream.batchHeaders(first.id(), first.epochNanos(), events.size())),
          outcome);
    } catch (KafkaException | IllegalStateException e) {
      outcome.onCompletion(null, e);
    }
  }

  /**
   * Sends what is queued and waits for Kafka's acknowledgements, at most {@link #CLOSE_TIMEOUT}.
   * What Kafka did not take by then (Kafka away) is failed: the producer's close fails the records
   * it still holds and releases a sender waiting in a send, and the sender fails each event left in
   * the queue. Each such event is counted as lost in its trace's counters, and the log says how
   * many there were; none is dropped without a count.
   */
  @Override
  public void close() {
    long start = System.nanoTime();
    long failedBefore = failedEvents.sum();
    closing = true;
    LockSupport.unpark(sender);
    join(CLOSE_TIMEOUT.dividedBy(2));
    Duration left = CLOSE_TIMEOUT.minusNanos(System.nanoTime() - start);
    producer.close(left.isNegative() ? Duration.ZERO : left);
    join(SENDER_END_TIMEOUT);
    if (sender.isAlive()) {
      // Its memory stays: the sender may still take from it.
      failQueued(new IllegalStateException("the event sender did not end"));
    } else {
      // What an offer that raced with the close queued after the sender's last take.
      queue.refuseOffers();
      failQueued(new IllegalStateException("the event sink closed"));
      queue.close();
    }
    long unsent = failedEvents.sum() - failedBefore;
    if (unsent > 0) {
      LOG.warn(
          "Event sink closed after {} ms: {} events could not be sent to Kafka before the stop;"
              + " they are counted as lost in their traces' counters",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
          unsent);
    }
  }

  private void join(Duration timeout) {
    try {
      sender.join(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Fails every event still queued, as its send would have. */
  private void failQueued(Exception cause) {
    List<QueuedEvent> left = new ArrayList<>(SEND_BATCH);
    while (queue.take(left, SEND_BATCH) > 0) {
      for (QueuedEvent event : left) {
        event.outcome().onCompletion(null, cause);
      }
      left.clear();
    }
  }
}
