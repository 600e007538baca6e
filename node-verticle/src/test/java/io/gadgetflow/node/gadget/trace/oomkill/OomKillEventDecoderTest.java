package io.gadgetflow.node.gadget.trace.oomkill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OomKillEventDecoderTest {
  private static final int RECORD_BYTES = (int) OomKillEventDecoder.OOMKILL_EVENT.byteSize();

  private final OomKillEventDecoder decoder = new OomKillEventDecoder(0);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void theHeaderIsTheTriggerAndTheRestTheKilledProcess() {
    ByteBuffer record = EventRecords.withHeader(RECORD_BYTES, 500, 0, "allocator");
    record.putLong(10_240).putInt(600).putInt(1000).put(comm("memory-hog"));

    assertThat(decoder.decode(MemorySegment.ofArray(record.array()), 0, RECORD_BYTES, out))
        .isTrue();
    EventRecords.endAsHostEvent(out, "node-1");
    RecordSchemas.assertValid("event-oomkill.json", out.toString());
    JsonNode event = EventRecords.parse(out);

    assertThat(event.get("kpid").asLong()).isEqualTo(600);
    assertThat(event.get("kcomm").asText()).isEqualTo("memory-hog");
    assertThat(event.get("kuid").asLong()).isEqualTo(1000);
    assertThat(event.get("pages").asLong()).isEqualTo(10_240);
    assertThat(event.get("tpid").asLong()).isEqualTo(500);
    assertThat(event.get("tcomm").asText()).isEqualTo("allocator");
    assertThat(event.get("mountnsid").asLong()).isEqualTo(EventRecords.MOUNT_NS_ID);
    assertThat(event.has("pid")).as("pid would not say which of the two").isFalse();
  }

  @Test
  void aShortRecordIsCountedAndSkipped() {
    ByteBuffer record = EventRecords.withHeader(RECORD_BYTES, 500, 0, "allocator");

    assertThat(decoder.decode(MemorySegment.ofArray(record.array()), 0, RECORD_BYTES - 1, out))
        .isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(1);
  }

  private static byte[] comm(String comm) {
    byte[] bytes = new byte[16];
    byte[] given = comm.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(given, 0, bytes, 0, given.length);
    return bytes;
  }
}
