package io.gadgetflow.controller.status;

import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Writes a Trace's status only when it differs from the status the Trace already has. A change of
 * the event counters alone (every few seconds while a gadget runs) waits at least the counters
 * interval, and only the latest waiting one is written; and the waiting counter updates of all
 * Traces are written at most so many a second, oldest first. With many Traces running, counter
 * updates would otherwise take the API server's time from answers that users wait on, which are
 * written at once: at 200 nodes with four Traces each, counters were 9 of every 10 status writes
 * and answers waited seconds behind them (docs/scale.md). Nor do counter updates go to the API
 * server while answers are on their way there, unless they waited a second counters interval: in a
 * burst of answers (a {@code kubectl gadget -A} start) they would share its time with them; nor
 * more than {@value #COUNTER_WRITES_IN_FLIGHT} at once, however slow the API server. Used from the
 * acting replica's event loop only; {@link #stop()} drops what waits.
 */
public final class StatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

  /** How often waiting counter updates are looked at. */
  private static final Duration DRAIN_PERIOD = Duration.ofMillis(100);

  /**
   * Counter updates sent to the API server and not yet written, at most. The budget alone bounds
   * how many are started a second, not how many wait: when the API server took longer per write
   * than the controller's Kubernetes threads could start them, counter writes filled every thread
   * and the operations users wait on (taking a stop, its answer) queued behind them for tens of
   * seconds (docs/scale.md). A few at once leave the other threads to those.
   */
  static final int COUNTER_WRITES_IN_FLIGHT = 4;

  private static final class Waiting {
    final long dueNanos;
    Trace trace;
    TraceStatus next;

    Waiting(long dueNanos, Trace trace, TraceStatus next) {
      this.dueNanos = dueNanos;
      this.trace = trace;
      this.next = next;
    }
  }

  private final BiFunction<Trace, TraceStatus, Future<Trace>> replaceStatus;
  private final Vertx vertx;
  private final Duration countersInterval;
  private final int countersPerDrain;

  /** By Trace uid, in the order they began waiting: the oldest is due first. */
  private final Map<String, Waiting> waiting = new LinkedHashMap<>();

  private long drainTimer = -1;

  /** Answers sent to the API server and not yet written. */
  private int answersInFlight;

  /** Counter updates sent to the API server and not yet written. */
  private int countersInFlight;

  /**
   * @param replaceStatus writes a Trace's whole status, e.g. {@link StatusWrites#write}
   * @param counterWritesPerSecond at most this many counter updates are written a second, in all
   */
  public StatusWriter(
      BiFunction<Trace, TraceStatus, Future<Trace>> replaceStatus,
      Vertx vertx,
      Duration countersInterval,
      int counterWritesPerSecond) {
    this.replaceStatus = replaceStatus;
    this.vertx = vertx;
    this.countersInterval = countersInterval;
    this.countersPerDrain =
        Math.max(1, (int) (counterWritesPerSecond * DRAIN_PERIOD.toMillis() / 1000));
  }

  public Future<Void> write(Trace trace, TraceStatus next) {
    if (Objects.equals(trace.getStatus(), next)) {
      return Future.succeededFuture();
    }
    TraceStatus previous = trace.getStatus() == null ? new TraceStatus() : trace.getStatus();
    boolean significant =
        previous.getState() != next.getState()
            || !Objects.equals(previous.getOperationError(), next.getOperationError())
            || !Objects.equals(previous.getOperationWarning(), next.getOperationWarning())
            || !Objects.equals(previous.getOutput(), next.getOutput());
    String uid = trace.getMetadata().getUid();
    Waiting countersOnly = waiting.get(uid);
    if (!significant && countersInterval.isPositive()) {
      if (countersOnly != null) {
        countersOnly.trace = trace;
        countersOnly.next = next;
      } else {
        waiting.put(uid, new Waiting(System.nanoTime() + countersInterval.toNanos(), trace, next));
        if (drainTimer == -1) {
          drainTimer = vertx.setPeriodic(DRAIN_PERIOD.toMillis(), id -> drain());
        }
      }
      return Future.succeededFuture();
    }
    // This write carries newer counters than the waiting one.
    waiting.remove(uid);
    if (!significant) {
      return writeNow(trace, next, false);
    }
    answersInFlight++;
    return writeNow(trace, next, true).onComplete(written -> answersInFlight--);
  }

  /** Drops the counter updates still waiting; the next acting replica writes its own. */
  public void stop() {
    waiting.clear();
    stopDraining();
  }

  /**
   * Writes the counter updates that waited long enough, oldest first, within the budget; while
   * answers are being written, only those overdue by another interval.
   */
  private void drain() {
    long now = System.nanoTime();
    int written = 0;
    Iterator<Waiting> oldestFirst = waiting.values().iterator();
    while (written < countersPerDrain
        && countersInFlight < COUNTER_WRITES_IN_FLIGHT
        && oldestFirst.hasNext()) {
      Waiting countersOnly = oldestFirst.next();
      if (countersOnly.dueNanos - now > 0) {
        break;
      }
      if (answersInFlight > 0 && countersOnly.dueNanos + countersInterval.toNanos() - now > 0) {
        break;
      }
      oldestFirst.remove();
      written++;
      countersInFlight++;
      writeNow(countersOnly.trace, countersOnly.next, false)
          .onComplete(done -> countersInFlight--)
          .onFailure(
              e ->
                  LOG.warn(
                      "{}",
                      TraceLog.about("status-write-failed", countersOnly.trace)
                          .field("error", e.toString())));
    }
    if (waiting.isEmpty()) {
      stopDraining();
    }
  }

  private void stopDraining() {
    if (drainTimer != -1) {
      vertx.cancelTimer(drainTimer);
      drainTimer = -1;
    }
  }

  private Future<Void> writeNow(Trace trace, TraceStatus next, boolean significant) {
    // Counters alone are not worth a line each.
    LOG.atLevel(significant ? Level.INFO : Level.DEBUG)
        .log(
            "{}",
            TraceLog.about("status-written", trace)
                .field("state", next.getState() == null ? null : wireName(next.getState()))
                .field("operationError", next.getOperationError())
                .field("operationWarning", next.getOperationWarning())
                .field("outputCharacters", next.getOutput() == null ? 0 : next.getOutput().length())
                .field("events", next.getEvents())
                .field("lostEvents", next.getLostEvents()));
    return replaceStatus.apply(trace, next).mapEmpty();
  }

  /** {@code Started}, as the Trace shows it, not the Java constant's name. */
  private static String wireName(TraceState state) {
    String name = state.name();
    return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
  }
}
