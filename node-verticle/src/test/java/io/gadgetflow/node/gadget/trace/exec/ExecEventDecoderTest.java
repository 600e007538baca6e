package io.gadgetflow.node.gadget.trace.exec;

import static io.gadgetflow.node.gadget.EventRecords.BOOT_NANOS;
import static io.gadgetflow.node.gadget.EventRecords.MOUNT_NS_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExecEventDecoderTest {
  private static final long BOOT_TO_EPOCH = 1_700_000_000_000_000_000L;
  private static final int ARGS_OFFSET = 56;

  private final ExecEventDecoder decoder = new ExecEventDecoder(BOOT_TO_EPOCH);
  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void decodesEveryField() {
    byte[] record = execRecord(1234, 1, 1000, "true", 0, List.of("/bin/true", "--flag", "x y"));

    JsonNode event = decode(record);

    assertThat(event.get("timestamp").asLong()).isEqualTo(BOOT_TO_EPOCH + BOOT_NANOS);
    assertThat(event.get("type").asText()).isEqualTo("normal");
    assertThat(event.get("mountnsid").asLong()).isEqualTo(MOUNT_NS_ID);
    assertThat(event.get("pid").asLong()).isEqualTo(1234);
    assertThat(event.get("ppid").asLong()).isEqualTo(1);
    assertThat(event.get("uid").asLong()).isEqualTo(1000);
    assertThat(event.get("comm").asText()).isEqualTo("true");
    assertThat(event.get("ret").asInt()).isZero();
    assertThat(texts(event.get("args"))).containsExactly("/bin/true", "--flag", "x y");
    assertThat(decoder.malformedRecords()).isZero();
  }

  @Test
  void leavesTheObjectOpenForTheEnricher() {
    byte[] record = execRecord(1, 0, 0, "sh", 0, List.of("/bin/sh"));
    MemorySegment ring = MemorySegment.ofArray(record);
    assertThat(decoder.decode(ring, 0, record.length, out)).isTrue();
    out.field(JsonName.of("node"), "worker-1");
    out.endObject();

    assertThat(EventRecords.parse(out).get("node").asText()).isEqualTo("worker-1");
  }

  @Test
  void decodesFailedExecsAndFullComms() {
    byte[] record = execRecord(9, 8, 0, "a-very-long-comm", -2, List.of("/nonexistent"));

    JsonNode event = decode(record);

    assertThat(event.get("ret").asInt()).isEqualTo(-2);
    assertThat(event.get("comm").asText()).isEqualTo("a-very-long-comm");
    assertThat(texts(event.get("args"))).containsExactly("/nonexistent");
  }

  @Test
  void decodesRecordsAnywhereInTheRing() {
    byte[] record = execRecord(5, 4, 3, "ls", 0, List.of("/bin/ls", "-l"));
    byte[] ring = new byte[record.length + 24];
    System.arraycopy(record, 0, ring, 16, record.length);

    assertThat(decoder.decode(MemorySegment.ofArray(ring), 16, record.length, out)).isTrue();
    out.endObject();
    assertThat(texts(EventRecords.parse(out).get("args"))).containsExactly("/bin/ls", "-l");
  }

  @Test
  void showsAsManyArgumentsAsArePresent() {
    byte[] record = execRecord(5, 4, 3, "ls", 0, List.of("/bin/ls", "-l"));
    ByteBuffer.wrap(record).order(ByteOrder.nativeOrder()).putInt(48, 5);

    assertThat(texts(decode(record).get("args"))).containsExactly("/bin/ls", "-l");
  }

  @Test
  void skipsAndCountsMalformedRecords() {
    byte[] good = execRecord(5, 4, 3, "ls", 0, List.of("/bin/ls"));
    MemorySegment ring = MemorySegment.ofArray(good);
    List<Runnable> malformed = new ArrayList<>();
    malformed.add(() -> decodeRaw(ring, 0, ARGS_OFFSET - 1));
    malformed.add(() -> decodeRaw(ring, 0, good.length + 8));
    malformed.add(() -> decodeRaw(ring, 8, good.length));
    malformed.add(() -> decodeRaw(ring, -8, good.length));
    malformed.add(() -> decodeRaw(withInt(good, 52, good.length), 0, good.length));
    malformed.add(() -> decodeRaw(withInt(good, 52, -1), 0, good.length));
    malformed.add(() -> decodeRaw(withInt(good, 48, -1), 0, good.length));
    malformed.add(() -> decodeRaw(withInt(good, 48, 22), 0, good.length));

    for (Runnable decode : malformed) {
      decode.run();
    }

    assertThat(decoder.malformedRecords()).isEqualTo(malformed.size());
  }

  @Test
  void neverThrowsWhateverTheBytes() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(200)];
      random.nextBytes(bytes);
      if (bytes.length >= ARGS_OFFSET && random.nextBoolean()) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        buffer.putInt(48, random.nextInt(25));
        buffer.putInt(52, random.nextInt(bytes.length - ARGS_OFFSET + 1));
      }
      int length = random.nextInt(bytes.length + 16);
      MemorySegment ring = MemorySegment.ofArray(bytes);
      assertThatCode(
              () -> {
                if (decoder.decode(ring, 0, length, out)) {
                  out.endObject();
                  EventRecords.parse(out);
                }
              })
          .doesNotThrowAnyException();
    }
  }

  private JsonNode decode(byte[] record) {
    assertThat(decoder.decode(MemorySegment.ofArray(record), 0, record.length, out)).isTrue();
    out.endObject();
    return EventRecords.parse(out);
  }

  private void decodeRaw(MemorySegment ring, long offset, int length) {
    assertThat(decoder.decode(ring, offset, length, out)).isFalse();
  }

  private static MemorySegment withInt(byte[] record, int offset, int value) {
    byte[] copy = record.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder()).putInt(offset, value);
    return MemorySegment.ofArray(copy);
  }

  static byte[] execRecord(int pid, int ppid, int uid, String comm, int ret, List<String> args) {
    byte[] joined = String.join("\0", args).concat("\0").getBytes(StandardCharsets.UTF_8);
    ByteBuffer record = EventRecords.withHeader(ARGS_OFFSET + joined.length, pid, uid, comm);
    record.putInt(ppid).putInt(ret).putInt(args.size()).putInt(joined.length).put(joined);
    return record.array();
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(element -> texts.add(element.asText()));
    return texts;
  }
}
