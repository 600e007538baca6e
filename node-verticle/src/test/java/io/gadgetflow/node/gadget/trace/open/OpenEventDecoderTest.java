package io.gadgetflow.node.gadget.trace.open;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpenEventDecoderTest {
  private static final int RECORD_BYTES = 304;

  private final OpenEventDecoder decoder = new OpenEventDecoder(0);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void aSuccessfulOpenHasItsFdAndNoError() {
    JsonNode event = decode(openRecord(42, "/etc/hostname".getBytes(StandardCharsets.UTF_8)));

    assertThat(event.get("pid").asLong()).isEqualTo(77);
    assertThat(event.get("uid").asLong()).isZero();
    assertThat(event.get("comm").asText()).isEqualTo("cat");
    assertThat(event.get("fd").asInt()).isEqualTo(42);
    assertThat(event.get("ret").asInt()).isEqualTo(42);
    assertThat(event.get("err").asInt()).isZero();
    assertThat(event.get("path").asText()).isEqualTo("/etc/hostname");
    assertThat(event.get("timestamp").asLong()).isEqualTo(EventRecords.BOOT_NANOS);
  }

  @Test
  void aFailedOpenHasNoFdAndItsErrno() {
    JsonNode event = decode(openRecord(-2, "/missing".getBytes(StandardCharsets.UTF_8)));

    assertThat(event.get("fd").asInt()).isEqualTo(-1);
    assertThat(event.get("ret").asInt()).isEqualTo(-2);
    assertThat(event.get("err").asInt()).isEqualTo(2);
  }

  @Test
  void aPathThatIsNotUtf8IsStillReported() {
    byte[] latin1 = "/tmp/caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);

    JsonNode event = decode(openRecord(3, latin1));

    assertThat(event.get("path").asText()).isEqualTo("/tmp/caf\ufffd");
    assertThat(out.stringsWithInvalidUtf8()).isEqualTo(1);
    assertThat(decoder.malformedRecords()).isZero();
  }

  @Test
  void aPathFillingItsWholeFieldIsCutThere() {
    byte[] longPath = "/a".repeat(200).getBytes(StandardCharsets.UTF_8);

    assertThat(decode(openRecord(3, longPath)).get("path").asText()).hasSize(256);
  }

  @Test
  void aRecordEndingAtItsPathsNulIsWhole() {
    byte[] record = openRecord(5, "/dev/null".getBytes(StandardCharsets.UTF_8));
    int exactLength = 44 + "/dev/null".length() + 1;

    assertThat(decoder.decode(MemorySegment.ofArray(record), 0, exactLength, out)).isTrue();
    out.endObject();
    assertThat(EventRecords.parse(out).get("path").asText()).isEqualTo("/dev/null");
  }

  @Test
  void aPathCutByTheRecordsEndIsReadNoFurther() {
    byte[] record = openRecord(5, "/dev/null".getBytes(StandardCharsets.UTF_8));

    assertThat(decoder.decode(MemorySegment.ofArray(record), 0, 44 + 4, out)).isTrue();
    out.endObject();
    assertThat(EventRecords.parse(out).get("path").asText()).isEqualTo("/dev");
  }

  @Test
  void skipsAndCountsShortRecords() {
    byte[] record = openRecord(3, "/x".getBytes(StandardCharsets.UTF_8));

    assertThat(decoder.decode(MemorySegment.ofArray(record), 0, 44, out)).isFalse();
    assertThat(decoder.decode(MemorySegment.ofArray(record), 0, 0, out)).isFalse();
    assertThat(decoder.decode(MemorySegment.ofArray(record), 8, 300, out)).isFalse();
    assertThat(decoder.malformedRecords()).isEqualTo(3);
  }

  private JsonNode decode(byte[] record) {
    assertThat(decoder.decode(MemorySegment.ofArray(record), 0, record.length, out)).isTrue();
    out.endObject();
    return EventRecords.parse(out);
  }

  private static byte[] openRecord(int ret, byte[] path) {
    ByteBuffer record = EventRecords.withHeader(RECORD_BYTES, 77, 0, "cat");
    record.putInt(ret).put(path, 0, Math.min(path.length, 256));
    return record.array();
  }
}
