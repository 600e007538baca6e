package io.gadgetflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gadgetflow.api.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Bad values for a topic's reader, made from one good value of that topic: what anybody who may
 * write the topic could write there. For property tests ({@link #values}) and for tests that write
 * them to a real broker ({@link #examples}).
 */
public final class PoisonRecords {
  /**
   * A value this large, and its key and headers, still fit Kafka's default record limit (1 MiB):
   * the largest record a reader can meet.
   */
  public static final int NEAR_SIZE_LIMIT_BYTES = 1_000_000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final int DEEP_NESTING = 5_000;

  private PoisonRecords() {}

  /**
   * Generated values: arbitrary bytes, JSON of every shape, {@code good} with a field removed,
   * nulled, of another type or added, {@code good} cut short, nested too deep, with invalid UTF-8,
   * near the size limit; and {@code good} itself now and then.
   */
  public static Arbitrary<byte[]> values(byte[] good) {
    ObjectNode object = object(good);
    List<String> fields = fieldNames(object);
    Arbitrary<JsonNode> anyJson = anyJson();
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(10, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
        net.jqwik.api.Tuple.of(10, anyJson.map(PoisonRecords::bytes)),
        net.jqwik.api.Tuple.of(
            10, Arbitraries.of(fields).map(field -> bytes(object.deepCopy().without(field)))),
        net.jqwik.api.Tuple.of(
            20,
            Combinators.combine(Arbitraries.of(fields), anyJson)
                .as((field, value) -> bytes(object.deepCopy().set(field, value)))),
        net.jqwik.api.Tuple.of(
            5,
            Combinators.combine(Arbitraries.strings().ofMaxLength(10), anyJson)
                .as((field, value) -> bytes(object.deepCopy().set(field, value)))),
        net.jqwik.api.Tuple.of(
            5,
            Arbitraries.integers()
                .between(0, Math.max(0, good.length - 1))
                .map(length -> Arrays.copyOf(good, length))),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(deeplyNested())),
        net.jqwik.api.Tuple.of(2, Arbitraries.of(fields).map(field -> invalidUtf8(object, field))),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(nearSizeLimit(object))),
        net.jqwik.api.Tuple.of(3, Arbitraries.just(good)));
  }

  /** One value of each kind {@link #values} makes, to write to a broker. */
  public static List<byte[]> examples(byte[] good) {
    ObjectNode object = object(good);
    String field = fieldNames(object).getFirst();
    List<byte[]> examples = new ArrayList<>();
    examples.add(new byte[] {(byte) 0xff, 0x00, (byte) 0xfe, 0x7b});
    examples.add(new byte[0]);
    for (String json : List.of("null", "[]", "[1,2]", "42", "-1.5e300", "\"text\"", "true", "{}")) {
      examples.add(json.getBytes(StandardCharsets.UTF_8));
    }
    examples.add(bytes(object.deepCopy().without(field)));
    examples.add(bytes(object.deepCopy().putNull(field)));
    examples.add(bytes(object.deepCopy().set(field, JSON.arrayNode().add(1))));
    examples.add(bytes(object.deepCopy().set(field, JSON.numberNode(Long.MAX_VALUE))));
    for (String each : fieldNames(object)) {
      examples.add(bytes(object.deepCopy().set(each, JSON.objectNode().put("x", 1))));
    }
    examples.add(bytes(object.deepCopy().put("unexpected", "extra")));
    examples.add(Arrays.copyOf(good, good.length / 2));
    examples.add(deeplyNested());
    examples.add(invalidUtf8(object, field));
    examples.add(nearSizeLimit(object));
    return examples;
  }

  /** JSON values of every type, objects and arrays a few levels deep. */
  private static Arbitrary<JsonNode> anyJson() {
    Arbitrary<JsonNode> scalars =
        Arbitraries.oneOf(
            Arbitraries.just(JSON.nullNode()),
            Arbitraries.of(true, false).map(JSON::booleanNode),
            Arbitraries.longs().map(JSON::numberNode),
            Arbitraries.doubles().map(JSON::numberNode),
            Arbitraries.bigIntegers()
                .between(
                    java.math.BigInteger.TWO.pow(70).negate(), java.math.BigInteger.TWO.pow(70))
                .map(JSON::numberNode),
            Arbitraries.strings().ofMaxLength(20).map(JSON::textNode),
            Arbitraries.of("Started", "START", "start", "Stream", "", " ").map(JSON::textNode));
    return Arbitraries.recursive(
        () -> scalars,
        element ->
            Arbitraries.oneOf(
                element.list().ofMaxSize(3).map(items -> JSON.arrayNode().addAll(items)),
                Combinators.combine(Arbitraries.strings().ofMaxLength(8), element)
                    .as((name, value) -> (JsonNode) JSON.objectNode().set(name, value))),
        0,
        3);
  }

  private static byte[] deeplyNested() {
    return ("[".repeat(DEEP_NESTING) + "]".repeat(DEEP_NESTING)).getBytes(StandardCharsets.UTF_8);
  }

  /** {@code field} as a string holding bytes that are not UTF-8. */
  private static byte[] invalidUtf8(ObjectNode object, String field) {
    String marker = "\u0001INVALID\u0001";
    byte[] text = bytes(object.deepCopy().put(field, marker));
    String json = new String(text, StandardCharsets.UTF_8);
    int at = json.indexOf("\\u0001INVALID\\u0001");
    byte[] before = json.substring(0, at).getBytes(StandardCharsets.UTF_8);
    byte[] after =
        json.substring(at + "\\u0001INVALID\\u0001".length()).getBytes(StandardCharsets.UTF_8);
    byte[] value = new byte[before.length + 3 + after.length];
    System.arraycopy(before, 0, value, 0, before.length);
    value[before.length] = (byte) 0xc3;
    value[before.length + 1] = (byte) 0x28;
    value[before.length + 2] = (byte) 0xff;
    System.arraycopy(after, 0, value, before.length + 3, after.length);
    return value;
  }

  /** {@code object} with an extra field that brings it to {@link #NEAR_SIZE_LIMIT_BYTES}. */
  private static byte[] nearSizeLimit(ObjectNode object) {
    int padding = NEAR_SIZE_LIMIT_BYTES - bytes(object).length - "\"padding\":\"\",".length();
    return bytes(object.deepCopy().put("padding", "x".repeat(Math.max(0, padding))));
  }

  private static ObjectNode object(byte[] good) {
    try {
      return (ObjectNode) Json.mapper().readTree(good);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> fieldNames(ObjectNode object) {
    List<String> names = new ArrayList<>();
    Iterator<String> it = object.fieldNames();
    it.forEachRemaining(names::add);
    return names;
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return Json.mapper().writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
