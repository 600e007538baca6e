package io.gadgetflow.bench.fleet;

import io.gadgetflow.api.trace.TraceState;
import java.io.PrintStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A start's or a stop's latency per Trace, cut at what can be seen from outside the controller: the
 * watch's sight of the request (a Trace created, or annotated with the stop), the controller taking
 * the operation (its log), the control record sent (its time on the control topic), the node's
 * answer (its report's time on the status topic), the controller asking for the answer's status
 * write (its log) and the watch's sight of the state. Only Traces with every mark count, so the
 * segments of a Trace add up to its whole.
 */
final class Decomposition {
  static final String[] SEGMENTS = {
    "asked -> controller took it (watch, informer, controller's queue)",
    "took -> record sent (operation patch in the API server, Kafka send)",
    "sent -> node answered (Kafka delivery, agent)",
    "answered -> status write asked (report read, controller's queue)",
    "status write asked -> state seen (status write in the API server, watch)",
    "whole: asked -> state seen"
  };

  /** The controller's operation timeout, as the fleet runs it (its default). */
  private static final long OPERATION_TIMEOUT_MICROS =
      io.gadgetflow.controller.ControllerConfig.DEFAULT_OPERATION_TIMEOUT.toNanos() / 1000;

  private final String operation;
  private final Map<String, Samples> segments = new LinkedHashMap<>();
  private int incomplete;

  /** Traces whose node the controller found silent, and of those the ones it had answered. */
  private int silent;

  private int answeredBeforeSilence;

  /**
   * Of those, the ones whose answer was on the topic before the control record's time plus the
   * operation timeout: before the deadline, which runs from Kafka's acknowledgement, later still.
   */
  private int answeredBeforeDeadline;

  private Decomposition(String operation) {
    this.operation = operation;
    for (String segment : SEGMENTS) {
      segments.put(segment, new Samples());
    }
  }

  static Decomposition ofStarts(
      Collection<WatchMarks.Seen> traces, ControllerMarks controller, WatchMarks watch) {
    return of("start", TraceState.STARTED, "Started", traces, controller, watch);
  }

  static Decomposition ofStops(
      Collection<WatchMarks.Seen> traces, ControllerMarks controller, WatchMarks watch) {
    return of("stop", TraceState.STOPPED, "Stopped", traces, controller, watch);
  }

  /**
   * @param operation as the controller logs and sends it, e.g. {@code start}
   * @param stateName the state as the Trace shows it, e.g. {@code Started}
   */
  private static Decomposition of(
      String operation,
      TraceState state,
      String stateName,
      Collection<WatchMarks.Seen> traces,
      ControllerMarks controller,
      WatchMarks watch) {
    Decomposition decomposition = new Decomposition(operation);
    boolean start = state == TraceState.STARTED;
    for (WatchMarks.Seen seen : traces) {
      long asked = start ? seen.created : seen.stopAsked;
      long shown = start ? seen.started : seen.stopped;
      long silence = controller.silent(seen.uid, operation);
      if (silence > 0) {
        decomposition.silent++;
        long answered = watch.answered(seen.uid, state);
        if (answered > 0 && answered < silence) {
          decomposition.answeredBeforeSilence++;
        }
        long sent = watch.sent(seen.uid, operation);
        if (answered > 0 && sent > 0 && answered < sent + OPERATION_TIMEOUT_MICROS) {
          decomposition.answeredBeforeDeadline++;
        }
      }
      if (asked > 0 && shown > 0) {
        decomposition.add(
            asked,
            controller.taken(seen.uid, operation),
            watch.sent(seen.uid, operation),
            watch.answered(seen.uid, state),
            controller.written(seen.uid, stateName),
            shown);
      }
    }
    return decomposition;
  }

  /** Marks in epoch micros, in the order they happen. */
  private void add(long... marks) {
    for (long mark : marks) {
      if (mark == 0) {
        incomplete++;
        return;
      }
    }
    for (int i = 0; i + 1 < marks.length; i++) {
      segments.get(SEGMENTS[i]).add(marks[i + 1] - marks[i]);
    }
    segments.get(SEGMENTS[SEGMENTS.length - 1]).add(marks[marks.length - 1] - marks[0]);
  }

  Samples segment(int index) {
    return segments.get(SEGMENTS[index]);
  }

  int incomplete() {
    return incomplete;
  }

  void print(PrintStream out) {
    out.printf(
        "%s, per Trace (%d Traces with every mark, %d without):%n",
        operation, segment(SEGMENTS.length - 1).count(), incomplete);
    out.printf(
        "  shown as \"did not answer\" (node-silent): %d Traces; their answer's record time on the"
            + " status topic was before the verdict in %d, before the control record's time plus"
            + " the operation timeout (so before the deadline) in %d%n",
        silent, answeredBeforeSilence, answeredBeforeDeadline);
    segments.forEach(
        (segment, samples) ->
            out.printf(
                "  %-75s p50 %6.0f ms  p99 %6.0f ms%n",
                segment, samples.percentileMillis(50), samples.percentileMillis(99)));
  }
}
