package io.gadgetflow.node.gadget.trace.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SignalEventDecoderTest {
  private static final int RECORD_BYTES = 56;

  private final SignalEventDecoder decoder = new SignalEventDecoder(0);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void namesTheSignalAndReportsSenderTargetAndResult() {
    JsonNode event = decode(record(4321, 9, -3), RECORD_BYTES);

    assertThat(event.get("pid").asLong()).isEqualTo(77);
    assertThat(event.get("comm").asText()).isEqualTo("kill");
    assertThat(event.get("tpid").asLong()).isEqualTo(4321);
    assertThat(event.get("signal").asText()).isEqualTo("SIGKILL");
    assertThat(event.get("ret").asInt()).isEqualTo(-3);
  }

  @Test
  void aRealTimeSignalIsNamedByItsNumber() {
    assertThat(decode(record(1, 34, 0), RECORD_BYTES).get("signal").asText()).isEqualTo("34");
  }

  @Test
  void aShortRecordIsCountedAndSkipped() {
    MemorySegment ring = MemorySegment.ofArray(record(1, 9, 0).array());

    assertThat(decoder.decode(ring, 0, 48, out)).isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(1);
  }

  private static ByteBuffer record(int targetPid, int signal, int ret) {
    ByteBuffer record = EventRecords.withHeader(RECORD_BYTES, 77, 0, "kill");
    record.putInt(targetPid).putInt(signal).putInt(ret);
    return record;
  }

  private JsonNode decode(ByteBuffer record, int length) {
    assertThat(decoder.decode(MemorySegment.ofArray(record.array()), 0, length, out)).isTrue();
    EventRecords.endAsHostEvent(out, "node-1");
    RecordSchemas.assertValid("event-sigsnoop.json", out.toString());
    return EventRecords.parse(out);
  }
}
