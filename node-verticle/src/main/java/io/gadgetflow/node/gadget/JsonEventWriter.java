package io.gadgetflow.node.gadget;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one JSON event at a time into a reused byte buffer: the decoders' output, appended to by
 * the enricher, handed to Kafka. Nothing is allocated per event once the buffer has grown to fit.
 *
 * <p>Strings from the kernel are C strings of unknown encoding. Valid UTF-8 is copied, anything
 * else becomes U+FFFD, as Go's encoding/json does for Inspektor Gadget: an event is never dropped
 * or rejected for the bytes of a file or command name, which anyone can choose.
 */
public final class JsonEventWriter {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REPLACEMENT_CHARACTER = {(byte) 0xef, (byte) 0xbf, (byte) 0xbd};

  /** The longest a byte or char can become: a \\u00XX escape. */
  private static final int MAX_ENCODED_BYTES_PER_UNIT = 6;

  private static final int MAX_LONG_DIGITS = 20;

  /** The two digits of 0 to 99, as ASCII: tens at [2n], ones at [2n + 1]. */
  private static final byte[] DIGIT_PAIRS = new byte[200];

  /** 10^0 to 10^18. */
  private static final long[] POWERS_OF_TEN = new long[19];

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** Eight bytes of a byte array at any index, to test them for plain ASCII at once. */
  private static final VarHandle EIGHT_BYTES =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long EACH_BYTE_01 = 0x0101010101010101L;
  private static final long EACH_BYTE_80 = 0x8080808080808080L;
  private static final long EACH_BYTE_SPACE = 0x2020202020202020L;
  private static final long EACH_BYTE_QUOTE = 0x2222222222222222L;
  private static final long EACH_BYTE_BACKSLASH = 0x5c5c5c5c5c5c5c5cL;

  /**
   * How much of a C string's room is copied first. Most kernel strings are much shorter than the
   * room they may take (an exec's arguments share 2,560 bytes), so the copy grows only when the
   * string does.
   */
  private static final int FIRST_C_STRING_CHUNK = 64;

  /**
   * Strings cached per field name, for names made at start-up (each JsonName has an index). Room
   * for every gadget's names: the enricher's (node, namespace, pod, container) may be made after
   * the decoders of the whole catalogue made theirs (68 names with 12 gadgets), and a name beyond
   * the room is written without the cache, on every event.
   */
  private static final int CACHED_NAMES = 512;

  static {
    for (int n = 0; n < 100; n++) {
      DIGIT_PAIRS[2 * n] = (byte) ('0' + n / 10);
      DIGIT_PAIRS[2 * n + 1] = (byte) ('0' + n % 10);
    }
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

  private byte[] buffer = new byte[4096];

  /** The part of a string that needs encoding byte by byte, moved out of the buffer's way. */
  private byte[] slowPathBytes = new byte[256];

  private int length;
  private boolean commaNeeded;
  private long stringsWithInvalidUtf8;

  /** The second of the last event time written, and its digits. */
  private long cachedSecond = -1;

  private final byte[] cachedSecondDigits = new byte[MAX_LONG_DIGITS];
  private int cachedSecondLength;

  /**
   * Per field name, the last string written and its JSON encoding: the enricher writes the same
   * node, namespace, pod and container names event after event.
   */
  private final String[] cachedStrings = new String[CACHED_NAMES];

  private final byte[][] cachedEncodings = new byte[CACHED_NAMES][];

  /** Starts a new event, discarding the previous one. */
  public void beginObject() {
    length = 0;
    append((byte) '{');
    commaNeeded = false;
  }

  public void endObject() {
    append((byte) '}');
    commaNeeded = true;
  }

  public void field(JsonName name, long value) {
    name(name);
    appendLong(value);
  }

  public void field(JsonName name, boolean value) {
    name(name);
    appendBytes(value ? TRUE : FALSE);
  }

  /** A C {@code __u32}. */
  public void unsignedField(JsonName name, int value) {
    field(name, Integer.toUnsignedLong(value));
  }

  public void field(JsonName name, String value) {
    name(name);
    int slot = name.index;
    if (slot >= CACHED_NAMES) {
      appendString(value);
      return;
    }
    byte[] encoded = cachedEncodings[slot];
    if (cachedStrings[slot] != value || encoded == null) {
      int start = length;
      appendString(value);
      encoded = Arrays.copyOfRange(buffer, start, length);
      cachedStrings[slot] = value;
      cachedEncodings[slot] = encoded;
      return;
    }
    appendBytes(encoded);
  }

  /**
   * A time in nanoseconds since the epoch, as {@link #field(JsonName, long)} writes it. Events come
   * in time order, so the digits of the second are reused from the previous event most of the time.
   */
  public void epochNanosField(JsonName name, long epochNanos) {
    if (epochNanos < NANOS_PER_SECOND) {
      field(name, epochNanos);
      return;
    }
    name(name);
    long second = epochNanos / NANOS_PER_SECOND;
    if (second != cachedSecond) {
      int start = length;
      appendLong(second);
      cachedSecondLength = length - start;
      System.arraycopy(buffer, start, cachedSecondDigits, 0, cachedSecondLength);
      cachedSecond = second;
    } else {
      ensureCapacity(cachedSecondLength);
      System.arraycopy(cachedSecondDigits, 0, buffer, length, cachedSecondLength);
      length += cachedSecondLength;
    }
    appendNineDigits((int) (epochNanos - second * NANOS_PER_SECOND));
  }

  /**
   * A C string: the bytes at {@code offset} up to the first NUL, or {@code maxBytes} of them when
   * there is none.
   *
   * @return the bytes it took in {@code source}, its NUL included when there was one (for records
   *     that lay strings out one after the other)
   */
  public int cStringField(JsonName name, MemorySegment source, long offset, int maxBytes) {
    name(name);
    return appendCString(source, offset, maxBytes);
  }

  /** Starts an object field; {@link #endObject()} ends it. */
  public void beginObjectField(JsonName name) {
    name(name);
    append((byte) '{');
    commaNeeded = false;
  }

  public void beginArrayField(JsonName name) {
    name(name);
    append((byte) '[');
    commaNeeded = false;
  }

  /**
   * Appends a C string element to the open array.
   *
   * @return the bytes it took in {@code source}, its NUL included when there was one
   */
  public int cStringElement(MemorySegment source, long offset, int maxBytes) {
    comma();
    int consumed = appendCString(source, offset, maxBytes);
    commaNeeded = true;
    return consumed;
  }

  /** Appends a string element to the open array. */
  public void stringElement(String value) {
    comma();
    appendString(value);
    commaNeeded = true;
  }

  /** Starts an object element of the open array; {@link #endObject()} ends it. */
  public void beginObjectElement() {
    comma();
    append((byte) '{');
    commaNeeded = false;
  }

  public void endArray() {
    append((byte) ']');
    commaNeeded = true;
  }

  /** The event's bytes are {@code buffer()[0..length())}; valid until the next write. */
  public byte[] buffer() {
    return buffer;
  }

  public int length() {
    return length;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buffer, length);
  }

  /** How many strings so far had bytes that are not UTF-8 (written as U+FFFD). */
  public long stringsWithInvalidUtf8() {
    return stringsWithInvalidUtf8;
  }

  @Override
  public String toString() {
    return new String(buffer, 0, length, StandardCharsets.UTF_8);
  }

  private void name(JsonName name) {
    comma();
    appendBytes(name.quotedWithColon);
    commaNeeded = true;
  }

  private void appendBytes(byte[] bytes) {
    ensureCapacity(bytes.length);
    System.arraycopy(bytes, 0, buffer, length, bytes.length);
    length += bytes.length;
  }

  private void comma() {
    if (commaNeeded) {
      append((byte) ',');
    }
  }

  private void appendLong(long value) {
    ensureCapacity(MAX_LONG_DIGITS);
    if (value == Long.MIN_VALUE) {
      byte[] digits = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(digits, 0, buffer, length, digits.length);
      length += digits.length;
      return;
    }
    if (value < 0) {
      buffer[length++] = '-';
      value = -value;
    }
    if (value <= Integer.MAX_VALUE) {
      appendInt((int) value);
      return;
    }
    int end = length + digitCount(value);
    int i = end;
    // Two digits per division: event times have 19.
    while (value >= 100) {
      int pair = (int) (value % 100) << 1;
      value /= 100;
      buffer[--i] = DIGIT_PAIRS[pair + 1];
      buffer[--i] = DIGIT_PAIRS[pair];
    }
    int pair = (int) value << 1;
    buffer[--i] = DIGIT_PAIRS[pair + 1];
    if (value >= 10) {
      buffer[--i] = DIGIT_PAIRS[pair];
    }
    length = end;
  }

  /** Pids, uids, return values: most numbers fit an int, whose divisions are cheaper. */
  private void appendInt(int value) {
    int end = length + digitCount(value);
    int i = end;
    while (value >= 100) {
      int pair = (value % 100) << 1;
      value /= 100;
      buffer[--i] = DIGIT_PAIRS[pair + 1];
      buffer[--i] = DIGIT_PAIRS[pair];
    }
    int pair = value << 1;
    buffer[--i] = DIGIT_PAIRS[pair + 1];
    if (value >= 10) {
      buffer[--i] = DIGIT_PAIRS[pair];
    }
    length = end;
  }

  /** {@code value} (below 10^9) as nine digits, zero-padded. */
  private void appendNineDigits(int value) {
    ensureCapacity(9);
    int i = length + 9;
    for (int pairs = 0; pairs < 4; pairs++) {
      int pair = (value % 100) << 1;
      value /= 100;
      buffer[--i] = DIGIT_PAIRS[pair + 1];
      buffer[--i] = DIGIT_PAIRS[pair];
    }
    buffer[--i] = (byte) ('0' + value);
    length += 9;
  }

  /**
   * The decimal digits of a non-negative value: log10 estimated from its bit length (1233 / 4096 is
   * just below log10(2)), then corrected with one comparison.
   */
  private static int digitCount(long nonNegative) {
    if (nonNegative < 10) {
      return 1;
    }
    int bits = 64 - Long.numberOfLeadingZeros(nonNegative);
    int estimate = (bits * 1233) >>> 12;
    return estimate + (nonNegative >= POWERS_OF_TEN[estimate] ? 1 : 0);
  }

  /**
   * Copies the raw bytes first, because most kernel strings are printable ASCII and then the copy
   * is the whole job; only from the first other byte on does it encode byte by byte. The copy goes
   * a chunk at a time, growing, until the string's end is among the bytes copied.
   */
  private int appendCString(MemorySegment source, long offset, int maxBytes) {
    int available = (int) Math.max(0, Math.min(maxBytes, source.byteSize() - offset));
    append((byte) '"');
    int start = length;
    int copied = 0;
    int i = start;
    while (true) {
      int chunk = Math.min(available - copied, Math.max(FIRST_C_STRING_CHUNK, copied));
      ensureCapacity(copied + chunk + 1);
      MemorySegment.copy(source, JAVA_BYTE, offset + copied, buffer, start + copied, chunk);
      copied += chunk;
      i = plainAsciiEnd(buffer, i, start + copied);
      if (i < start + copied || copied == available) {
        break;
      }
    }
    int consumed;
    if (i == start + copied || buffer[i] == 0) {
      length = i;
      consumed = i - start + (i < start + available ? 1 : 0);
    } else {
      int rest = available - copied;
      ensureCapacity(available + 1);
      MemorySegment.copy(source, JAVA_BYTE, offset + copied, buffer, start + copied, rest);
      int end = start + available;
      int stringEnd = i;
      while (stringEnd < end && buffer[stringEnd] != 0) {
        stringEnd++;
      }
      consumed = stringEnd - start + (stringEnd < end ? 1 : 0);
      int restLength = stringEnd - i;
      if (slowPathBytes.length < restLength) {
        slowPathBytes = new byte[Math.max(restLength, slowPathBytes.length * 2)];
      }
      System.arraycopy(buffer, i, slowPathBytes, 0, restLength);
      length = i;
      ensureCapacity(restLength * MAX_ENCODED_BYTES_PER_UNIT + 1);
      encodeBytes(slowPathBytes, restLength);
    }
    buffer[length++] = '"';
    return consumed;
  }

  /**
   * The index of the first byte from {@code from} that is not plain ASCII, or {@code end}: eight
   * bytes at a time, each tested for a control character, a quote, a backslash or a high bit.
   */
  private static int plainAsciiEnd(byte[] bytes, int from, int end) {
    int i = from;
    for (; i <= end - Long.BYTES; i += Long.BYTES) {
      long word = (long) EIGHT_BYTES.get(bytes, i);
      long quotes = word ^ EACH_BYTE_QUOTE;
      long backslashes = word ^ EACH_BYTE_BACKSLASH;
      long special =
          word
              | ((word - EACH_BYTE_SPACE) & ~word)
              | ((quotes - EACH_BYTE_01) & ~quotes)
              | ((backslashes - EACH_BYTE_01) & ~backslashes);
      if ((special & EACH_BYTE_80) != 0) {
        break;
      }
    }
    while (i < end && isPlainAscii(bytes[i])) {
      i++;
    }
    return i;
  }

  private static boolean isPlainAscii(byte b) {
    return b >= 0x20 && b != '"' && b != '\\';
  }

  /** Escapes and validates; the buffer already has room for the worst case. */
  private void encodeBytes(byte[] bytes, int count) {
    boolean invalid = false;
    int i = 0;
    while (i < count) {
      int b = bytes[i] & 0xff;
      if (b < 0x80) {
        appendEscapedAscii(b);
        i++;
        continue;
      }
      int sequenceLength = validUtf8SequenceLength(bytes, i, count);
      if (sequenceLength == 0) {
        System.arraycopy(REPLACEMENT_CHARACTER, 0, buffer, length, REPLACEMENT_CHARACTER.length);
        length += REPLACEMENT_CHARACTER.length;
        invalid = true;
        i++;
      } else {
        System.arraycopy(bytes, i, buffer, length, sequenceLength);
        length += sequenceLength;
        i += sequenceLength;
      }
    }
    if (invalid) {
      stringsWithInvalidUtf8++;
    }
  }

  /** The length of the well-formed UTF-8 sequence at {@code i} (Unicode table 3-7), or 0. */
  private static int validUtf8SequenceLength(byte[] bytes, int i, int count) {
    int b0 = bytes[i] & 0xff;
    int length;
    int secondMin = 0x80;
    int secondMax = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      length = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      length = 3;
      if (b0 == 0xe0) {
        secondMin = 0xa0;
      } else if (b0 == 0xed) {
        secondMax = 0x9f;
      }
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      length = 4;
      if (b0 == 0xf0) {
        secondMin = 0x90;
      } else if (b0 == 0xf4) {
        secondMax = 0x8f;
      }
    } else {
      return 0;
    }
    if (i + length > count) {
      return 0;
    }
    int b1 = bytes[i + 1] & 0xff;
    if (b1 < secondMin || b1 > secondMax) {
      return 0;
    }
    for (int k = 2; k < length; k++) {
      int continuation = bytes[i + k] & 0xff;
      if (continuation < 0x80 || continuation > 0xbf) {
        return 0;
      }
    }
    return length;
  }

  private void appendEscapedAscii(int c) {
    switch (c) {
      case '"' -> appendEscape('"');
      case '\\' -> appendEscape('\\');
      case '\n' -> appendEscape('n');
      case '\r' -> appendEscape('r');
      case '\t' -> appendEscape('t');
      case '\b' -> appendEscape('b');
      case '\f' -> appendEscape('f');
      default -> {
        if (c < 0x20) {
          buffer[length++] = '\\';
          buffer[length++] = 'u';
          buffer[length++] = '0';
          buffer[length++] = '0';
          buffer[length++] = HEX[c >> 4];
          buffer[length++] = HEX[c & 0xf];
        } else {
          buffer[length++] = (byte) c;
        }
      }
    }
  }

  private void appendEscape(char escaped) {
    buffer[length++] = '\\';
    buffer[length++] = (byte) escaped;
  }

  private void appendString(String value) {
    ensureCapacity(value.length() * MAX_ENCODED_BYTES_PER_UNIT + 2);
    buffer[length++] = '"';
    // Names of nodes, pods and containers are plain ASCII: copied as they are, until a char is not.
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c >= 0x80 || !isPlainAscii((byte) c)) {
        break;
      }
      buffer[length++] = (byte) c;
      i++;
    }
    for (; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        appendEscapedAscii(c);
      } else if (c < 0x800) {
        buffer[length++] = (byte) (0xc0 | (c >> 6));
        buffer[length++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        int codePoint = Character.toCodePoint(c, value.charAt(++i));
        buffer[length++] = (byte) (0xf0 | (codePoint >> 18));
        buffer[length++] = (byte) (0x80 | ((codePoint >> 12) & 0x3f));
        buffer[length++] = (byte) (0x80 | ((codePoint >> 6) & 0x3f));
        buffer[length++] = (byte) (0x80 | (codePoint & 0x3f));
      } else if (Character.isSurrogate(c)) {
        System.arraycopy(REPLACEMENT_CHARACTER, 0, buffer, length, REPLACEMENT_CHARACTER.length);
        length += REPLACEMENT_CHARACTER.length;
      } else {
        buffer[length++] = (byte) (0xe0 | (c >> 12));
        buffer[length++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        buffer[length++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    buffer[length++] = '"';
  }

  private void append(byte b) {
    ensureCapacity(1);
    buffer[length++] = b;
  }

  private void ensureCapacity(int more) {
    if (length + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
    }
  }
}
