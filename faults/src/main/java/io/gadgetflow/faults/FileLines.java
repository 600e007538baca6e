package io.gadgetflow.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbered events a file holds in whole lines, how many it holds more than once, and how many
 * lost events its warnings tell of.
 */
record FileLines(BitSet seen, long duplicates, long toldLost) {
  private static final Pattern SEQUENCE = Pattern.compile("\"seq\":(\\d+)");

  static FileLines of(Path file) {
    BitSet seen = new BitSet();
    long duplicates = 0;
    long toldLost = 0;
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : lines) {
      Matcher lossWarning = DeliveredEvents.LOSS_WARNING.matcher(line);
      if (lossWarning.find() && line.endsWith("}")) {
        toldLost += Long.parseLong(lossWarning.group(1));
      }
      Matcher found = SEQUENCE.matcher(line);
      if (found.find() && line.endsWith("}")) {
        int number = Integer.parseInt(found.group(1));
        if (seen.get(number)) {
          duplicates++;
        }
        seen.set(number);
      }
    }
    return new FileLines(seen, duplicates, toldLost);
  }

  /**
   * The first number in the file from {@code from} on (an agent's first), or {@code from}: those
   * before it came before the trace joined.
   */
  long firstFrom(long from) {
    return Math.max(from, seen.nextSetBit((int) from));
  }

  long distinct() {
    return seen.cardinality();
  }

  /** The distinct numbers from {@code first} on. */
  long distinctFrom(long first) {
    return seen.get((int) first, Math.max((int) first, seen.length())).cardinality();
  }
}
