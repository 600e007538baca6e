package io.gadgetflow.node.gadget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonEventWriterTest {
  private static final JsonName NAME = JsonName.of("name");
  private static final JsonName NUMBER = JsonName.of("number");
  private static final JsonName LIST = JsonName.of("list");

  private final JsonEventWriter out = new JsonEventWriter();

  @Test
  void writesNumbersAsJsonDoes() {
    long[] values = {0, 7, -1, 1234567890123L, Long.MAX_VALUE, Long.MIN_VALUE, 999, 1000};
    for (long value : values) {
      out.beginObject();
      out.field(NUMBER, value);
      out.endObject();
      assertThat(out.toString()).isEqualTo("{\"number\":" + value + "}");
    }
    out.beginObject();
    out.unsignedField(NUMBER, -1);
    out.endObject();
    assertThat(out.toString()).isEqualTo("{\"number\":4294967295}");
  }

  @Test
  void writesNumbersOfEveryLength() {
    long power = 1;
    for (int digits = 1; digits <= 19; digits++, power *= 10) {
      for (long value : new long[] {power - 1, power, power + 1, 2 * power, 9 * power}) {
        for (long signed : new long[] {value, -value}) {
          out.beginObject();
          out.field(NUMBER, signed);
          out.endObject();
          assertThat(out.toString()).isEqualTo("{\"number\":" + signed + "}");
        }
      }
    }
  }

  @Test
  void separatesFieldsAndArrayElements() {
    out.beginObject();
    out.field(NUMBER, 1);
    out.beginArrayField(LIST);
    out.cStringElement(cString("a"), 0, 2);
    out.cStringElement(cString("b"), 0, 2);
    out.endArray();
    out.beginArrayField(JsonName.of("empty"));
    out.endArray();
    out.field(NAME, "x");
    out.endObject();

    assertThat(out.toString())
        .isEqualTo("{\"number\":1,\"list\":[\"a\",\"b\"],\"empty\":[],\"name\":\"x\"}");
  }

  @Test
  void escapesJavaStrings() {
    String tricky = "quote\" backslash\\ newline\n tab\t nul\0 é € 😀 lone\ud800";
    out.beginObject();
    out.field(NAME, tricky);
    out.endObject();

    assertThat(EventRecords.parse(out).get("name").asText())
        .isEqualTo(tricky.replace("\ud800", "\ufffd"));
  }

  @Test
  void cStringsEndAtTheFirstNulOrAtTheirMaximum() {
    MemorySegment source = cString("ab\0cd");

    out.beginObject();
    out.cStringField(NAME, source, 0, 5);
    out.endObject();
    assertThat(out.toString()).isEqualTo("{\"name\":\"ab\"}");

    out.beginObject();
    out.cStringField(NAME, source, 3, 2);
    out.endObject();
    assertThat(out.toString()).isEqualTo("{\"name\":\"cd\"}");
  }

  @Test
  void elementsReportTheBytesTheyTook() {
    MemorySegment source = cString("one\0three\0");
    out.beginObject();
    out.beginArrayField(LIST);

    assertThat(out.cStringElement(source, 0, 10)).isEqualTo(4);
    assertThat(out.cStringElement(source, 4, 6)).isEqualTo(6);
    assertThat(out.cStringElement(source, 4, 3)).isEqualTo(3);
  }

  @Test
  void aCStringNeverReadsPastItsSource() {
    MemorySegment source = cString("abc");
    out.beginObject();
    out.cStringField(NAME, source, 1, 100);
    out.cStringField(JsonName.of("past"), source, 3, 100);
    out.endObject();

    assertThat(out.toString()).isEqualTo("{\"name\":\"bc\",\"past\":\"\"}");
  }

  @Test
  void keepsValidUtf8AndEscapesControlCharacters() {
    String text = "é€😀 \"q\" \\ \n\u0001";
    out.beginObject();
    out.cStringField(NAME, cString(text), 0, 64);
    out.endObject();

    assertThat(EventRecords.parse(out).get("name").asText()).isEqualTo(text);
    assertThat(out.stringsWithInvalidUtf8()).isZero();
  }

  @Test
  void replacesBytesThatAreNotUtf8AndCountsTheString() {
    byte[][] invalid = {
      {'a', (byte) 0xff, 'b'}, // never valid
      {(byte) 0xc0, (byte) 0xaf}, // overlong '/'
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a UTF-16 surrogate
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
      {'x', (byte) 0xe2, (byte) 0x82}, // cut short
    };
    String[] expected = {
      "a\ufffdb", "\ufffd\ufffd", "\ufffd\ufffd\ufffd", "\ufffd\ufffd\ufffd\ufffd", "x\ufffd\ufffd"
    };
    for (int i = 0; i < invalid.length; i++) {
      out.beginObject();
      out.cStringField(NAME, MemorySegment.ofArray(invalid[i]), 0, invalid[i].length);
      out.endObject();
      JsonNode event = EventRecords.parse(out);
      assertThat(event.get("name").asText()).as("case %d", i).isEqualTo(expected[i]);
    }
    assertThat(out.stringsWithInvalidUtf8()).isEqualTo(invalid.length);
  }

  @Test
  void growsForLargeEventsAndStartsAfreshForEachEvent() {
    String big = "x".repeat(10_000);
    out.beginObject();
    out.field(NAME, big);
    out.cStringField(JsonName.of("bytes"), cString(big), 0, big.length());
    out.endObject();
    assertThat(EventRecords.parse(out).get("bytes").asText()).isEqualTo(big);

    out.beginObject();
    out.field(NUMBER, 1);
    out.endObject();
    assertThat(out.toString()).isEqualTo("{\"number\":1}");
    assertThat(out.length()).isEqualTo(12);
  }

  @Test
  void writesEventTimesAsNumbersWhetherTheSecondIsNewOrNot() {
    long[] times = {
      1_795_601_076_143_759_629L,
      1_795_601_076_000_000_001L,
      1_795_601_077_000_000_000L,
      1_795_601_076_999_999_999L,
      Long.MAX_VALUE,
      1_000_000_000L,
      999_999_999L,
      0,
      -5,
    };
    for (long time : times) {
      out.beginObject();
      out.epochNanosField(NUMBER, time);
      out.field(NAME, "x");
      out.endObject();
      assertThat(out.toString()).isEqualTo("{\"number\":" + time + ",\"name\":\"x\"}");
    }
  }

  @Test
  void aFieldsStringIsWrittenAsGivenWhenItChangesFromEventToEvent() {
    String[] values = {"pod-a", "pod-a", "", "pod-\"b\"", new String("pod-a"), "pod-a", "é"};
    for (String value : values) {
      out.beginObject();
      out.field(NAME, value);
      out.endObject();
      assertThat(EventRecords.parse(out).get("name").asText()).isEqualTo(value);
    }
  }

  @Test
  void findsEveryByteThatNeedsEscapingWhereverItIsInALongCString() {
    for (char special : new char[] {'"', '\\', '\n', '\u0001', '\u007f', 'é'}) {
      for (int position = 0; position < 150; position++) {
        StringBuilder text = new StringBuilder("a".repeat(150));
        text.setCharAt(position, special);
        byte[] bytes = (text + "\0rest").getBytes(StandardCharsets.UTF_8);
        out.beginObject();
        out.beginArrayField(LIST);
        int consumed = out.cStringElement(MemorySegment.ofArray(bytes), 0, bytes.length);
        out.endArray();
        out.endObject();

        assertThat(EventRecords.parse(out).get("list").get(0).asText())
            .as("%s at %d", special, position)
            .isEqualTo(text.toString());
        assertThat(consumed).isEqualTo(bytes.length - "rest".length());
      }
    }
  }

  @Test
  void aCStringLongerThanItsFirstChunkEndsAtItsNulOrItsMaximum() {
    String text = "x".repeat(1000);
    MemorySegment source = cString(text + "\0" + "y".repeat(2000));
    out.beginObject();
    out.beginArrayField(LIST);

    assertThat(out.cStringElement(source, 0, 3001)).isEqualTo(1001);
    assertThat(out.cStringElement(source, 1001, 2000)).isEqualTo(2000);
    assertThat(out.cStringElement(source, 1001, 65)).isEqualTo(65);
    out.endArray();
    out.endObject();

    JsonNode list = EventRecords.parse(out).get("list");
    assertThat(list.get(0).asText()).isEqualTo(text);
    assertThat(list.get(1).asText()).isEqualTo("y".repeat(2000));
    assertThat(list.get(2).asText()).isEqualTo("y".repeat(65));
  }

  @Test
  void namesMustNeedNoEscaping() {
    assertThatThrownBy(() -> JsonName.of("a\"b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonName.of("")).isInstanceOf(IllegalArgumentException.class);
  }

  private static MemorySegment cString(String text) {
    return MemorySegment.ofArray(text.getBytes(StandardCharsets.UTF_8));
  }
}
