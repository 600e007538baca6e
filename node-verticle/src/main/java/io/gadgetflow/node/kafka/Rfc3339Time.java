package io.gadgetflow.node.kafka;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Writes event times for the {@code ce_time} header, byte for byte what {@link Instant#toString()}
 * writes (RFC 3339 in UTC; a fraction of 3, 6 or 9 digits, none when it is zero), without its
 * formatter's cost per event. Events come in time order, so the date and time of day are worked out
 * once per second and reused. Not thread-safe: each instance belongs to one thread.
 */
final class Rfc3339Time {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** {@code yyyy-MM-ddTHH:mm:ss}. */
  private static final int SECOND_BYTES = 19;

  private final byte[] second = new byte[SECOND_BYTES];
  private long secondSinceEpoch = -1;

  /** The time {@code epochNanos} after the epoch, as ASCII bytes. */
  byte[] format(long epochNanos) {
    long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
    int nanos = (int) Math.floorMod(epochNanos, NANOS_PER_SECOND);
    if (seconds < 0) {
      // Before 1970: no event time, but still the right answer.
      return Instant.ofEpochSecond(seconds, nanos).toString().getBytes(US_ASCII);
    }
    if (seconds != secondSinceEpoch) {
      writeSecond(seconds);
      secondSinceEpoch = seconds;
    }
    int fractionDigits;
    int fraction;
    if (nanos == 0) {
      fractionDigits = 0;
      fraction = 0;
    } else if (nanos % 1_000_000 == 0) {
      fractionDigits = 3;
      fraction = nanos / 1_000_000;
    } else if (nanos % 1_000 == 0) {
      fractionDigits = 6;
      fraction = nanos / 1_000;
    } else {
      fractionDigits = 9;
      fraction = nanos;
    }
    byte[] text = new byte[SECOND_BYTES + (fractionDigits == 0 ? 0 : 1 + fractionDigits) + 1];
    System.arraycopy(second, 0, text, 0, SECOND_BYTES);
    int end = SECOND_BYTES;
    if (fractionDigits > 0) {
      text[end++] = '.';
      end += fractionDigits;
      writeDigits(text, end, fractionDigits, fraction);
    }
    text[end] = 'Z';
    return text;
  }

  /**
   * Epoch nanoseconds in a {@code long} end in 2262, so the year always has four digits, the only
   * case in which {@link Instant#toString()} writes no sign.
   */
  private void writeSecond(long seconds) {
    LocalDateTime time = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
    writeDigits(second, 4, 4, time.getYear());
    second[4] = '-';
    writeDigits(second, 7, 2, time.getMonthValue());
    second[7] = '-';
    writeDigits(second, 10, 2, time.getDayOfMonth());
    second[10] = 'T';
    writeDigits(second, 13, 2, time.getHour());
    second[13] = ':';
    writeDigits(second, 16, 2, time.getMinute());
    second[16] = ':';
    writeDigits(second, 19, 2, time.getSecond());
  }

  /**
   * Writes {@code value} as {@code count} decimal digits, zero-padded, ending before {@code end}.
   */
  private static void writeDigits(byte[] into, int end, int count, int value) {
    for (int i = end - 1; i >= end - count; i--) {
      into[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
