package io.gadgetflow.bench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * When the controller acted on each Trace, from its own log lines (TraceLog's logfmt, with the
 * logger's time to the millisecond, {@link #JVM_OPTIONS}): when it took an operation off a Trace
 * (the reconcile that its watch's change started, before the patch is sent), when it asked for an
 * answer's status write (before the write is sent) and when it gave up waiting for the node's
 * answer (its {@code node-silent} warning). The first of each per Trace uid.
 */
final class ControllerMarks {
  /** The controller JVM's logging: those two lines, with their time. */
  static final List<String> JVM_OPTIONS =
      List.of(
          "-Dorg.slf4j.simpleLogger.showDateTime=true",
          "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
          "-Dorg.slf4j.simpleLogger.log.io.gadgetflow.controller.reconcile.TraceReconciler=info",
          "-Dorg.slf4j.simpleLogger.log.io.gadgetflow.controller.status.StatusWriter=info",
          // When it stopped acting: the Lease lost or not renewed in time.
          "-Dorg.slf4j.simpleLogger.log.io.gadgetflow.controller.ControllerVerticle=info");

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
  private static final Pattern LINE =
      Pattern.compile("^(\\S+) .* - action=(operation-taken|status-written|node-silent) .*");
  private static final Pattern UID = Pattern.compile(" uid=(\\S+)");
  private static final Pattern OPERATION = Pattern.compile(" operation=(\\w+)");
  private static final Pattern STATE = Pattern.compile(" state=(\\w+)");

  /** The replica's leadership: it stopped acting, and why its election gave the Lease up. */
  private static final Pattern LEADERSHIP =
      Pattern.compile(
          "^(\\S+) .* - (?:Controller \\S+ (stops acting) on Traces"
              + "|Lease .* (was not renewed in time)"
              + "|Lease .* was last renewed \\d+ ms ago, (past its renew deadline)).*");

  /** Epoch micros by {@code uid}, per what: {@code taken start}, {@code written Started}, ... */
  private final Map<String, Map<String, Long>> byWhat = new HashMap<>();

  /** Epoch micros of each leadership line, by what it says ({@link #LEADERSHIP}'s groups). */
  private final Map<String, List<Long>> leadership = new HashMap<>();

  private ControllerMarks() {}

  static ControllerMarks read(Path log) throws IOException {
    ControllerMarks marks = new ControllerMarks();
    try (Stream<String> lines = Files.lines(log)) {
      lines.forEach(marks::line);
    }
    return marks;
  }

  /** When the controller took {@code operation} (e.g. {@code start}) off the Trace; 0 if never. */
  long taken(String uid, String operation) {
    return get("taken " + operation, uid);
  }

  /** When the controller asked to write {@code state} (e.g. {@code Started}); 0 if never. */
  long written(String uid, String state) {
    return get("written " + state, uid);
  }

  /** When the controller gave up waiting for the node's answer to {@code operation}; 0 if never. */
  long silent(String uid, String operation) {
    return get("silent " + operation, uid);
  }

  /**
   * How often, from {@code fromMicros} on, the controller stopped acting, and why its election gave
   * the Lease up: not renewed in time (fabric8's elector), or its renewal past the renew deadline
   * without an answer (the controller's own watch of its renewals).
   */
  String leadershipSince(long fromMicros) {
    return "stopped acting %d times (Lease not renewed in time: %d; renewal past its deadline: %d)"
        .formatted(
            count("stops acting", fromMicros),
            count("was not renewed in time", fromMicros),
            count("past its renew deadline", fromMicros));
  }

  private long count(String what, long fromMicros) {
    return leadership.getOrDefault(what, List.of()).stream().filter(t -> t >= fromMicros).count();
  }

  private long get(String what, String uid) {
    return byWhat.getOrDefault(what, Map.of()).getOrDefault(uid, 0L);
  }

  private void line(String line) {
    Matcher leader = LEADERSHIP.matcher(line);
    if (leader.matches()) {
      long micros = micros(leader.group(1));
      for (int group = 2; group <= leader.groupCount() && micros > 0; group++) {
        if (leader.group(group) != null) {
          leadership.computeIfAbsent(leader.group(group), w -> new ArrayList<>()).add(micros);
        }
      }
      return;
    }
    Matcher matched = LINE.matcher(line);
    if (!matched.matches()) {
      return;
    }
    Matcher uid = UID.matcher(line);
    if (!uid.find()) {
      return;
    }
    long micros = micros(matched.group(1));
    if (micros == 0) {
      return;
    }
    String action = matched.group(2);
    Matcher detail = (action.equals("status-written") ? STATE : OPERATION).matcher(line);
    if (!detail.find()) {
      return;
    }
    String what =
        switch (action) {
              case "operation-taken" -> "taken ";
              case "node-silent" -> "silent ";
              default -> "written ";
            }
            + detail.group(1);
    byWhat.computeIfAbsent(what, w -> new HashMap<>()).putIfAbsent(uid.group(1), micros);
  }

  /** The line's time in epoch micros; 0 when it is not one. */
  private static long micros(String time) {
    try {
      return OffsetDateTime.parse(time, TIME).toInstant().toEpochMilli() * 1000;
    } catch (DateTimeParseException e) {
      return 0;
    }
  }
}
