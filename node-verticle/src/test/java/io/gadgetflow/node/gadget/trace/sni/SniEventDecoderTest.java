package io.gadgetflow.node.gadget.trace.sni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SniEventDecoderTest {
  private final SniEventDecoder decoder = new SniEventDecoder(0);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void decodesTheServerNameAndTheSender() {
    byte[] record = record("www.example.com");

    assertThat(decoder.decode(MemorySegment.ofArray(record), 0, record.length, out)).isTrue();
    EventRecords.endAsHostEvent(out, "node-1");
    RecordSchemas.assertValid("event-snisnoop.json", out.toString());
    JsonNode event = EventRecords.parse(out);

    assertThat(event.get("name").asText()).isEqualTo("www.example.com");
    assertThat(event.get("pid").asLong()).isEqualTo(77);
    assertThat(event.get("tid").asLong()).isEqualTo(79);
    assertThat(event.get("comm").asText()).isEqualTo("curl");
    assertThat(event.get("gid").asLong()).isEqualTo(100);
    assertThat(event.get("netnsid").asLong()).isEqualTo(4026532001L);
    assertThat(event.get("mountnsid").asLong()).isEqualTo(EventRecords.MOUNT_NS_ID);
  }

  @Test
  void aShortRecordIsCountedAndSkipped() {
    byte[] record = record("x");

    assertThat(decoder.decode(MemorySegment.ofArray(record), 0, record.length - 1, out)).isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(1);
  }

  /** struct sni_event: packet header (56), then the NUL-terminated name. */
  private static byte[] record(String name) {
    ByteBuffer record = EventRecords.withHeader(SniEventDecoder.RECORD_BYTES, 77, 0, "curl");
    record.putInt((int) 4026532001L).putInt(79).putInt(100).putInt(0);
    record.put(name.getBytes(StandardCharsets.US_ASCII));
    return record.array();
  }
}
