package io.gadgetflow.node.gadget.trace.fsslower;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FsSlowerEventDecoderTest {
  private static final int RECORD_BYTES = (int) FsSlowerEventDecoder.FSSLOWER_EVENT.byteSize();

  private final FsSlowerEventDecoder decoder = new FsSlowerEventDecoder(0);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void decodesAWriteWithItsBytesOffsetLatencyAndFile() {
    JsonNode event = decode(record(1, 4096, 8192, 15_000, "data.db"));

    assertThat(event.get("pid").asLong()).isEqualTo(77);
    assertThat(event.get("comm").asText()).isEqualTo("postgres");
    assertThat(event.get("op").asText()).isEqualTo("W");
    assertThat(event.get("bytes").asLong()).isEqualTo(4096);
    assertThat(event.get("offset").asLong()).isEqualTo(8192);
    assertThat(event.get("latency").asLong()).isEqualTo(15_000);
    assertThat(event.get("file").asText()).isEqualTo("data.db");
  }

  @Test
  void namesEachOperationAsFsslowerDoes() {
    assertThat(decode(record(0, 1, 0, 1, "f")).get("op").asText()).isEqualTo("R");
    assertThat(decode(record(2, 0, 0, 1, "f")).get("op").asText()).isEqualTo("O");
    assertThat(decode(record(3, 0, 0, 1, "f")).get("op").asText()).isEqualTo("F");
  }

  @Test
  void aShortRecordOrAnUnknownOperationIsCountedAndSkipped() {
    ByteBuffer unknown = record(4, 0, 0, 1, "f");
    assertThat(decoder.decode(MemorySegment.ofArray(unknown.array()), 0, RECORD_BYTES, out))
        .isFalse();
    ByteBuffer valid = record(0, 0, 0, 1, "f");
    assertThat(decoder.decode(MemorySegment.ofArray(valid.array()), 0, RECORD_BYTES - 1, out))
        .isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(2);
  }

  private static ByteBuffer record(
      int operation, long bytes, long offset, long latencyMicros, String file) {
    ByteBuffer record = EventRecords.withHeader(RECORD_BYTES, 77, 0, "postgres");
    record.putLong(latencyMicros).putLong(bytes).putLong(offset);
    record.put((byte) operation).put(new byte[7]);
    record.put(file.getBytes(StandardCharsets.UTF_8));
    return record;
  }

  private JsonNode decode(ByteBuffer record) {
    assertThat(decoder.decode(MemorySegment.ofArray(record.array()), 0, RECORD_BYTES, out))
        .isTrue();
    EventRecords.endAsHostEvent(out, "node-1");
    RecordSchemas.assertValid("event-fsslower.json", out.toString());
    return EventRecords.parse(out);
  }
}
