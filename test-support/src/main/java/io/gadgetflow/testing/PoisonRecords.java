package io.gadgetflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gadgetflow.api.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Bad values for a topic's reader, made from one good value of that topic: what anybody who may
 * write the topic could write there. For property tests ({@link #value}, with {@link SeededCases})
 * and for tests that write them to a real broker ({@link #examples}).
 */
public final class PoisonRecords {
  /**
   * A value this large, and its key and headers, still fit Kafka's default record limit (1 MiB):
   * the largest record a reader can meet.
   */
  public static final int NEAR_SIZE_LIMIT_BYTES = 1_000_000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final int DEEP_NESTING = 5_000;
  private static final List<String> KEYWORDS =
      List.of("Started", "START", "start", "Stream", "", " ");
  private static final List<Long> EDGE_LONGS = List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE);
  private static final List<Double> EDGE_DOUBLES =
      List.of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300, -1.5e300);

  private PoisonRecords() {}

  /**
   * One generated value, drawn from {@code random}: arbitrary bytes, JSON of every shape, {@code
   * good} with a field removed, nulled, of another type or added, {@code good} cut short, nested
   * too deep, with invalid UTF-8, near the size limit; and {@code good} itself now and then.
   */
  public static byte[] value(byte[] good, RandomGenerator random) {
    ObjectNode object = object(good);
    List<String> fields = fieldNames(object);
    int kind = random.nextInt(68);
    if (kind < 10) {
      byte[] value = new byte[random.nextInt(301)];
      random.nextBytes(value);
      return value;
    } else if (kind < 20) {
      return bytes(anyJson(random));
    } else if (kind < 30) {
      return bytes(object.deepCopy().without(anyOf(fields, random)));
    } else if (kind < 50) {
      return bytes(object.deepCopy().set(anyOf(fields, random), anyJson(random)));
    } else if (kind < 55) {
      return bytes(object.deepCopy().set(anyText(random, 10), anyJson(random)));
    } else if (kind < 60) {
      return Arrays.copyOf(good, random.nextInt(Math.max(1, good.length)));
    } else if (kind < 62) {
      return deeplyNested();
    } else if (kind < 64) {
      return invalidUtf8(object, anyOf(fields, random));
    } else if (kind < 65) {
      return nearSizeLimit(object);
    }
    return good.clone();
  }

  /**
   * Text of up to {@code maxLength} characters: printable ASCII, control characters, other
   * languages and characters beyond the Basic Multilingual Plane, and words a reader may take for a
   * keyword.
   */
  public static String anyText(RandomGenerator random, int maxLength) {
    if (random.nextInt(5) == 0) {
      return anyOf(KEYWORDS, random);
    }
    int length = random.nextInt(maxLength + 1);
    StringBuilder text = new StringBuilder(length);
    while (text.length() < length) {
      int codePoint =
          switch (random.nextInt(4)) {
            case 0 -> random.nextInt(0x20, 0x7f);
            case 1 -> random.nextInt(0x00, 0x20);
            case 2 -> random.nextInt(0xa0, Character.MIN_SURROGATE);
            default -> random.nextInt(Character.MIN_SUPPLEMENTARY_CODE_POINT, 0x20000);
          };
      if (text.length() + Character.charCount(codePoint) <= length) {
        text.appendCodePoint(codePoint);
      } else {
        text.append('x');
      }
    }
    return text.toString();
  }

  /** One value of each kind {@link #value} makes, to write to a broker. */
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

  /** A JSON value of any type: a scalar, or arrays and objects up to three levels deep. */
  private static JsonNode anyJson(RandomGenerator random) {
    return anyJson(random, random.nextInt(4));
  }

  private static JsonNode anyJson(RandomGenerator random, int depth) {
    if (depth == 0) {
      return anyScalar(random);
    }
    int size = random.nextInt(4);
    if (random.nextBoolean()) {
      ArrayNode array = JSON.arrayNode();
      for (int i = 0; i < size; i++) {
        array.add(anyJson(random, depth - 1));
      }
      return array;
    }
    ObjectNode object = JSON.objectNode();
    for (int i = 0; i < size; i++) {
      object.set(anyText(random, 8), anyJson(random, depth - 1));
    }
    return object;
  }

  private static JsonNode anyScalar(RandomGenerator random) {
    return switch (random.nextInt(7)) {
      case 0 -> JSON.nullNode();
      case 1 -> JSON.booleanNode(random.nextBoolean());
      case 2 -> JSON.numberNode(anyLong(random));
      case 3 -> JSON.numberNode(anyDouble(random));
      case 4 -> JSON.numberNode(anyBigInteger(random));
      case 5 -> JSON.textNode(anyText(random, 20));
      default -> JSON.textNode(anyOf(KEYWORDS, random));
    };
  }

  private static long anyLong(RandomGenerator random) {
    return random.nextBoolean() ? random.nextLong() : anyOf(EDGE_LONGS, random);
  }

  /** A finite double of any magnitude: JSON has no NaN nor infinity. */
  private static double anyDouble(RandomGenerator random) {
    if (random.nextBoolean()) {
      return anyOf(EDGE_DOUBLES, random);
    }
    double value = Double.longBitsToDouble(random.nextLong());
    return Double.isFinite(value) ? value : random.nextGaussian();
  }

  /** An integer of up to 71 bits and a sign: beyond what a long holds. */
  private static BigInteger anyBigInteger(RandomGenerator random) {
    byte[] magnitude = new byte[9];
    random.nextBytes(magnitude);
    return new BigInteger(magnitude);
  }

  private static <T> T anyOf(List<T> items, RandomGenerator random) {
    return items.get(random.nextInt(items.size()));
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
