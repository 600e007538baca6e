package io.gadgetflow.node.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gadgetflow.api.kafka.CloudEventHeaders;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.Losses;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One trace's events on their way to Kafka: the record key (the trace uid, so a trace's events stay
 * in order on one partition), CloudEvents headers encoded once, and what became of each event.
 * {@link #nextId()} is called by one thread at a time (the sink's queue calls it under its lock),
 * {@link #headers} by the sink's sender thread only; the counters are updated by Kafka's sender
 * thread. It also knows how many of its records (events and warnings) are queued or sent and not
 * yet answered by Kafka, so that a trace's stop can wait for its last events ({@link
 * #allAnswered()}), and which lost events the warnings Kafka refused told of, so that they can be
 * told again ({@link #takeLossesUntold()}).
 */
public final class EventStream implements Callback {
  private static final Header SPEC_VERSION =
      new RecordHeader(CloudEventHeaders.SPEC_VERSION, bytes(CloudEventHeaders.SPEC_VERSION_VALUE));
  private static final Header CONTENT_TYPE =
      new RecordHeader(CloudEventHeaders.CONTENT_TYPE, bytes(CloudEventHeaders.JSON_CONTENT_TYPE));
  private static final Header BATCH_CONTENT_TYPE =
      new RecordHeader(
          CloudEventHeaders.CONTENT_TYPE, bytes(CloudEventHeaders.NDJSON_CONTENT_TYPE));

  private final String traceUid;
  private final byte[] key;
  private final byte[] idPrefix;
  private final Header source;
  private final Header type;
  private final Header subject;
  private final ChangingHeader id = new ChangingHeader(CloudEventHeaders.ID);
  private final ChangingHeader time = new ChangingHeader(CloudEventHeaders.TIME);
  private final Headers headers;
  private final ChangingHeader eventCount = new ChangingHeader(CloudEventHeaders.EVENT_COUNT);
  private final Headers batchHeaders;
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /** The lost events each queued or sent warning tells of, by the warning's id, until answered. */
  private final Map<Long, Losses> warningsUnanswered = new ConcurrentHashMap<>();

  /**
   * What the warnings Kafka refused told of, since {@link #takeLossesUntold()}; under {@code this}.
   */
  private Losses lossesUntold = Losses.NONE;

  private final AtomicLong unanswered = new AtomicLong();
  private final CompletableFuture<Void> lastAnswered = new CompletableFuture<>();
  private volatile boolean ended;
  private final Rfc3339Time times = new Rfc3339Time();

  /** Bytes of this stream's events in the sink's queue: its share of the queue's bound. */
  final AtomicLong queuedBytes = new AtomicLong();

  /** Which slot of the sink's {@link EventQueue} names this stream, -1 for none; the queue's. */
  int queueSlot = -1;

  private long sequence;

  /** Events of every stream of the sink that made this one that were not delivered. */
  private final LongAdder sinkFailed;

  /**
   * A stream of its own, outside any sink's count of what it could not send (tests, benchmarks).
   */
  public EventStream(String nodeName, ControlRecord trace) {
    this(nodeName, trace, new LongAdder());
  }

  /**
   * @param sinkFailed counts, besides this stream's own count, each of its events that was not
   *     delivered: the sink's count over all its streams ({@link EventSink#stream})
   */
  EventStream(String nodeName, ControlRecord trace, LongAdder sinkFailed) {
    this.sinkFailed = sinkFailed;
    this.traceUid = trace.traceUid();
    this.key = bytes(trace.traceUid());
    this.idPrefix = bytes(trace.traceUid() + ":" + incarnation() + ":");
    this.source =
        new RecordHeader(CloudEventHeaders.SOURCE, bytes("/gadgetflow/nodes/" + nodeName));
    this.type =
        new RecordHeader(CloudEventHeaders.TYPE, bytes(CloudEventHeaders.typeOf(trace.gadget())));
    this.subject =
        new RecordHeader(
            CloudEventHeaders.SUBJECT,
            bytes("traces/" + trace.traceNamespace() + "/" + trace.traceName()));
    this.headers =
        new RecordHeaders(
            new Header[] {SPEC_VERSION, id, source, type, time, subject, CONTENT_TYPE});
    Header batchType =
        new RecordHeader(
            CloudEventHeaders.TYPE, bytes(CloudEventHeaders.batchTypeOf(trace.gadget())));
    this.batchHeaders =
        new RecordHeaders(
            new Header[] {
              SPEC_VERSION, id, source, batchType, time, subject, BATCH_CONTENT_TYPE, eventCount
            });
  }

  public String traceUid() {
    return traceUid;
  }

  /**
   * A CloudEvents id unique within this node's source: the trace uid, this stream's incarnation and
   * a sequence number. The sequence starts again with every stream (a restarted agent, a trace
   * started again), so the incarnation keeps ids from repeating: consumers that drop duplicates by
   * source and id would otherwise drop new events.
   */
  public long nextId() {
    return sequence++;
  }

  byte[] key() {
    return key;
  }

  /**
   * The CloudEvents headers of one event, valid until the next call: the same seven headers every
   * time, ce_id's and ce_time's values set for this event. A producer record copies a {@link
   * RecordHeaders}' list at its exact size (any other iterable one by one into a list that grows),
   * and {@code KafkaProducer.send} has written the values into its batch when it returns, so
   * nothing per event is built but the two values. Public for bench/peers, which measures what
   * these headers cost Kafka's producer per record.
   */
  public Headers headers(long id, long epochNanos) {
    this.id.value = id(id);
    this.time.value = times.format(epochNanos);
    return headers;
  }

  /**
   * The headers of a batch record of {@code events} events whose first has id {@code firstId} and
   * time {@code epochNanos} (the others' ids follow it), valid until the next call of this or
   * {@link #headers}: {@code ce_id} and {@code ce_time} are the first event's, {@code ce_type} ends
   * in {@code .batch}, {@code content-type} is NDJSON, {@code gadgetflow_events} the count.
   */
  public Headers batchHeaders(long firstId, long epochNanos, int events) {
    headers(firstId, epochNanos);
    this.eventCount.value = bytes(Integer.toString(events));
    return batchHeaders;
  }

  /** Where Kafka's answer to a batch record of {@code events} of this trace's events goes. */
  Callback batchOutcome(int events) {
    return (metadata, exception) -> {
      if (exception == null) {
        delivered.add(events);
      } else {
        failed(events);
      }
      answered(events);
    };
  }

  /** A warning, id {@code id}, about {@code lost} events ({@link Losses#NONE} for none) queued. */
  void warningQueued(long id, Losses lost) {
    if (lost.total() != 0) {
      warningsUnanswered.put(id, lost);
    }
  }

  /**
   * Where Kafka's answer to the warning {@code id} goes: a warning is not one of the trace's
   * events, so its fate is not counted; if Kafka refused it, the losses it told of are untold
   * again.
   */
  Callback warningOutcome(long id) {
    return (metadata, exception) -> {
      Losses told = warningsUnanswered.remove(id);
      if (exception != null && told != null) {
        synchronized (this) {
          lossesUntold = lossesUntold.plus(told);
        }
      }
      answered();
    };
  }

  /**
   * The lost events that warnings Kafka refused since the last call told of: no reader of the
   * trace's events learnt of them, so the next warning tells of them again.
   */
  public synchronized Losses takeLossesUntold() {
    Losses untold = lossesUntold;
    lossesUntold = Losses.NONE;
    return untold;
  }

  /** Events Kafka acknowledged. */
  public long delivered() {
    return delivered.sum();
  }

  /** Events Kafka refused or that could not be sent before the agent stopped. */
  public long failed() {
    return failed.sum();
  }

  @Override
  public void onCompletion(RecordMetadata metadata, Exception exception) {
    if (exception == null) {
      delivered.increment();
    } else {
      failed(1);
    }
    answered();
  }

  private void failed(int events) {
    failed.add(events);
    sinkFailed.add(events);
  }

  /** One more of this stream's records taken by the sink; Kafka's answer to it is awaited. */
  void queued() {
    unanswered.incrementAndGet();
  }

  /** A record the sink took and then refused, or whose outcome Kafka told. */
  void answered() {
    answered(1);
  }

  private void answered(int records) {
    if (unanswered.addAndGet(-records) == 0 && ended) {
      lastAnswered.complete(null);
    }
  }

  /**
   * Completes once Kafka answered every record of this stream queued so far (at once when none
   * waits). Called once no more are queued: the trace's session is closed.
   */
  public CompletionStage<Void> allAnswered() {
    ended = true;
    if (unanswered.get() == 0) {
      lastAnswered.complete(null);
    }
    return lastAnswered;
  }

  /** {@code <trace uid>:<incarnation>:<id>}, written straight into bytes. */
  private byte[] id(long id) {
    if (id < 0) {
      return bytes(new String(idPrefix, UTF_8) + id);
    }
    int digits = 1;
    for (long rest = id / 10; rest > 0; rest /= 10) {
      digits++;
    }
    byte[] value = Arrays.copyOf(idPrefix, idPrefix.length + digits);
    long rest = id;
    for (int i = value.length - 1; i >= idPrefix.length; i--) {
      value[i] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    return value;
  }

  /** 64 random bits in hex: unique among a trace's streams for any practical purpose. */
  private static String incarnation() {
    return Long.toHexString(UUID.randomUUID().getLeastSignificantBits());
  }

  private static byte[] bytes(String value) {
    return value.getBytes(UTF_8);
  }

  /** A header whose value is the current event's. */
  private static final class ChangingHeader implements Header {
    private final String key;
    private byte[] value;

    ChangingHeader(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public byte[] value() {
      return value;
    }
  }
}
