package io.gadgetflow.node.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class EventStreamTest {
  private static final String UID = ExecsnoopStream.UID;

  private final EventStream stream = ExecsnoopStream.create();

  @Test
  void carriesTheCloudEventsHeadersInOrder() {
    Headers headers = stream.headers(42, 1_795_601_076_143_759_629L);

    assertThat(headers.toArray())
        .extracting(Header::key, header -> new String(header.value(), UTF_8))
        .containsExactly(
            tuple("ce_specversion", "1.0"),
            tuple("ce_id", idPrefix() + "42"),
            tuple("ce_source", "/gadgetflow/nodes/node-1"),
            tuple("ce_type", "io.gadgetflow.execsnoop"),
            tuple("ce_time", "2026-11-25T10:04:36.143759629Z"),
            tuple("ce_subject", "traces/gadget/exec"),
            tuple("content-type", "application/json"));
  }

  @Test
  void idsAreTheTraceUidTheIncarnationAndTheSequenceNumber() {
    for (long id :
        new long[] {0, 9, 10, 99, 100, 123_456_789, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
      assertThat(new String(stream.headers(id, 0).lastHeader("ce_id").value(), UTF_8))
          .isEqualTo(idPrefix() + id);
    }
    assertThat(stream.nextId()).isZero();
    assertThat(stream.nextId()).isOne();
  }

  @Test
  void aProducerRecordKeepsTheHeadersAsGiven() {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            "gadget.events", null, 0L, stream.key(), new byte[0], stream.headers(7, 0));

    assertThat(record.headers().toArray()).hasSize(7);
    assertThat(new String(record.headers().lastHeader("ce_time").value(), UTF_8))
        .isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void aTracesStreamsNeverShareIds() {
    EventStream again = ExecsnoopStream.create();

    assertThat(id(again, 0)).isNotEqualTo(id(stream, 0));
    assertThat(id(again, 0)).startsWith(UID + ":").matches(".*:[0-9a-f]{1,16}:0");
  }

  /** The id up to its sequence number: the trace uid and the stream's incarnation. */
  private String idPrefix() {
    String id = id(stream, 0);
    return id.substring(0, id.length() - 1);
  }

  private static String id(EventStream stream, long sequence) {
    return new String(stream.headers(sequence, 0).lastHeader("ce_id").value(), UTF_8);
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }
}
