package io.gadgetflow.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Predicate;

/** The events {@code kubectl gadget ... -o json} prints, one JSON object per line. */
final class Events {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Events() {}

  static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + line, e);
    }
  }

  /** A word no other process of the machine uses, for telling one run's events apart. */
  static String marker(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
  }

  /**
   * Runs {@code action} until the run prints a line with {@code marker}, and returns that event:
   * the first actions may come before the gadget is attached or before the node agent knows a new
   * container, which a real user would also see.
   */
  static JsonNode repeatUntilSeen(
      KubectlGadget run, String marker, Runnable action, Duration timeout) {
    return repeatUntil(run, line -> line.contains(marker), marker, action, timeout);
  }

  /**
   * Runs {@code action} until the run prints a line {@code wanted} accepts, and returns that event.
   * A run that ended is not waited for: its error says why it ended.
   */
  static JsonNode repeatUntil(
      KubectlGadget run, Predicate<String> wanted, String what, Runnable action, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      action.run();
      var line = run.findLine(wanted, Duration.ofSeconds(3));
      if (line.isPresent()) {
        return parse(line.get());
      }
      if (Instant.now().isAfter(deadline) || !run.running()) {
        return parse(run.awaitLine(wanted, Duration.ZERO, what));
      }
    }
  }
}
