package io.gadgetflow.node.gadget.trace.capabilities;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class CapabilitiesEventDecoderTest {
  private static final int RECORD_BYTES =
      (int) CapabilitiesEventDecoder.CAPABILITIES_EVENT.byteSize();

  /** setpriority's number on x86-64 and on arm64. */
  private static final int SETPRIORITY =
      System.getProperty("os.arch").equals("aarch64") ? 140 : 141;

  private final CapabilitiesEventDecoder decoder = new CapabilitiesEventDecoder(0);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void decodesAnAllowedCheckWithItsSystemCallAndCapabilitySet() {
    long effective = (1L << 0) | (1L << 21) | (1L << 23);
    JsonNode event = decode(record(4026531837L, 4026532000L, effective, 23, 0, 5, SETPRIORITY));

    assertThat(event.get("pid").asLong()).isEqualTo(77);
    assertThat(event.get("comm").asText()).isEqualTo("nice");
    assertThat(event.get("syscall").asText()).isEqualTo("setpriority");
    assertThat(event.get("uid").asLong()).isEqualTo(1000);
    assertThat(event.get("gid").asLong()).isEqualTo(5);
    assertThat(event.get("cap").asInt()).isEqualTo(23);
    assertThat(event.get("capName").asText()).isEqualTo("SYS_NICE");
    assertThat(event.get("verdict").asText()).isEqualTo("Allow");
    assertThat(event.get("targetuserns").asLong()).isEqualTo(4026531837L);
    assertThat(event.get("currentuserns").asLong()).isEqualTo(4026532000L);
    assertThat(event.get("caps").asLong()).isEqualTo(effective);
    assertThat(names(event.get("capsNames"))).containsExactly("chown", "sys_admin", "sys_nice");
  }

  @Test
  void aDeniedCheckOutsideASystemCallOfAnUnknownCapability() {
    JsonNode event = decode(record(1, 1, 0, 63, -1, 0, -1));

    assertThat(event.get("verdict").asText()).isEqualTo("Deny");
    assertThat(event.get("syscall").asText()).isEmpty();
    assertThat(event.get("capName").asText()).isEqualTo("UNKNOWN (63)");
    assertThat(names(event.get("capsNames"))).isEmpty();
  }

  @Test
  void aNumberWithoutASystemCallIsNamedByItsNumber() {
    assertThat(decode(record(1, 1, 0, 21, 0, 0, 100_000)).get("syscall").asText())
        .isEqualTo("syscall100000");
  }

  @Test
  void aShortRecordIsCountedAndSkipped() {
    ByteBuffer record = record(1, 1, 0, 21, 0, 0, 0);

    assertThat(decoder.decode(MemorySegment.ofArray(record.array()), 0, RECORD_BYTES - 1, out))
        .isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(1);
  }

  private static ByteBuffer record(
      long targetUserNs,
      long currentUserNs,
      long effective,
      int cap,
      int ret,
      int gid,
      int syscall) {
    ByteBuffer record = EventRecords.withHeader(RECORD_BYTES, 77, 1000, "nice");
    record.putLong(targetUserNs).putLong(currentUserNs).putLong(effective);
    record.putInt(cap).putInt(ret).putInt(gid).putInt(syscall);
    return record;
  }

  private JsonNode decode(ByteBuffer record) {
    assertThat(decoder.decode(MemorySegment.ofArray(record.array()), 0, RECORD_BYTES, out))
        .isTrue();
    EventRecords.endAsHostEvent(out, "node-1");
    RecordSchemas.assertValid("event-capabilities.json", out.toString());
    return EventRecords.parse(out);
  }

  private static List<String> names(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
