package io.gadgetflow.node.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gadgetflow.api.kafka.CloudEventHeaders;
import io.gadgetflow.api.kafka.ControlRecord;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One trace's events on their way to Kafka: the record key (the trace uid, so a trace's events stay
 * in order on one partition), CloudEvents headers encoded once, and what became of each event.
 * {@link #nextId()} is called by the trace's ring reader thread only; the counters are updated by
 * Kafka's sender thread.
 */
public final class EventStream implements Callback {
  private static final Header SPEC_VERSION =
      new RecordHeader(CloudEventHeaders.SPEC_VERSION, bytes(CloudEventHeaders.SPEC_VERSION_VALUE));
  private static final Header CONTENT_TYPE =
      new RecordHeader(CloudEventHeaders.CONTENT_TYPE, bytes(CloudEventHeaders.JSON_CONTENT_TYPE));

  private final String traceUid;
  private final byte[] key;
  private final String idPrefix;
  private final Header source;
  private final Header type;
  private final Header subject;
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Callback lossWarnings = (metadata, exception) -> {};
  private long sequence;

  public EventStream(String nodeName, ControlRecord trace) {
    this.traceUid = trace.traceUid();
    this.key = bytes(trace.traceUid());
    this.idPrefix = trace.traceUid() + ":";
    this.source =
        new RecordHeader(CloudEventHeaders.SOURCE, bytes("/gadgetflow/nodes/" + nodeName));
    this.type =
        new RecordHeader(CloudEventHeaders.TYPE, bytes(CloudEventHeaders.typeOf(trace.gadget())));
    this.subject =
        new RecordHeader(
            CloudEventHeaders.SUBJECT,
            bytes("traces/" + trace.traceNamespace() + "/" + trace.traceName()));
  }

  public String traceUid() {
    return traceUid;
  }

  /** A CloudEvents id unique within this node's source: the trace uid and a sequence number. */
  public long nextId() {
    return sequence++;
  }

  byte[] key() {
    return key;
  }

  RecordHeaders headers(long id, long epochNanos) {
    return new RecordHeaders(
        new Header[] {
          SPEC_VERSION,
          new RecordHeader(CloudEventHeaders.ID, bytes(idPrefix + id)),
          source,
          type,
          new RecordHeader(CloudEventHeaders.TIME, bytes(rfc3339(epochNanos))),
          subject,
          CONTENT_TYPE
        });
  }

  /** Where the outcome of warnings about lost events goes: they are not the trace's events. */
  Callback lossWarnings() {
    return lossWarnings;
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
      failed.increment();
    }
  }

  private static String rfc3339(long epochNanos) {
    return Instant.ofEpochSecond(
            Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L))
        .toString();
  }

  private static byte[] bytes(String value) {
    return value.getBytes(UTF_8);
  }
}
