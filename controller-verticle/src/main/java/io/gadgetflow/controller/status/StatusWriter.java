package io.gadgetflow.controller.status;

import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Writes a Trace's status only when it differs from the status the Trace already has. A change of
 * the event counters alone (every few seconds while a gadget runs) waits up to the counters
 * interval, and only the latest waiting one is written: with many Traces running, counter updates
 * would otherwise take the API server's time from operations that users wait on. Used from the
 * acting replica's event loop only; {@link #stop()} drops what waits.
 */
public final class StatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

  private static final class Waiting {
    final long timerId;
    Trace trace;
    TraceStatus next;

    Waiting(long timerId, Trace trace, TraceStatus next) {
      this.timerId = timerId;
      this.trace = trace;
      this.next = next;
    }
  }

  private final BiFunction<Trace, TraceStatus, Future<Trace>> replaceStatus;
  private final Vertx vertx;
  private final Duration countersInterval;

  /** By Trace uid. */
  private final Map<String, Waiting> waiting = new HashMap<>();

  /**
   * @param replaceStatus writes a Trace's whole status, e.g. {@link StatusWrites#write}
   */
  public StatusWriter(
      BiFunction<Trace, TraceStatus, Future<Trace>> replaceStatus,
      Vertx vertx,
      Duration countersInterval) {
    this.replaceStatus = replaceStatus;
    this.vertx = vertx;
    this.countersInterval = countersInterval;
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
        long timerId = vertx.setTimer(countersInterval.toMillis(), id -> writeWaiting(uid));
        waiting.put(uid, new Waiting(timerId, trace, next));
      }
      return Future.succeededFuture();
    }
    if (countersOnly != null) {
      // This write carries newer counters than the waiting one.
      vertx.cancelTimer(countersOnly.timerId);
      waiting.remove(uid);
    }
    return writeNow(trace, next, significant);
  }

  /** Drops the counter updates still waiting; the next acting replica writes its own. */
  public void stop() {
    waiting.values().forEach(countersOnly -> vertx.cancelTimer(countersOnly.timerId));
    waiting.clear();
  }

  private void writeWaiting(String uid) {
    Waiting countersOnly = waiting.remove(uid);
    if (countersOnly != null) {
      writeNow(countersOnly.trace, countersOnly.next, false)
          .onFailure(
              e ->
                  LOG.warn(
                      "{}",
                      TraceLog.about("status-write-failed", countersOnly.trace)
                          .field("error", e.toString())));
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
