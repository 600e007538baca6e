package io.gadgetflow.controller.status;

import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.controller.kube.TraceRepository;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** Writes a Trace's status only when it differs from the status the Trace already has. */
public final class StatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

  private final TraceRepository traces;

  public StatusWriter(TraceRepository traces) {
    this.traces = traces;
  }

  public Future<Void> write(Trace trace, TraceStatus next) {
    if (Objects.equals(trace.getStatus(), next)) {
      return Future.succeededFuture();
    }
    // Counters alone change every few seconds while a gadget runs: not worth a line each.
    TraceStatus previous = trace.getStatus() == null ? new TraceStatus() : trace.getStatus();
    boolean significant =
        previous.getState() != next.getState()
            || !Objects.equals(previous.getOperationError(), next.getOperationError())
            || !Objects.equals(previous.getOperationWarning(), next.getOperationWarning())
            || !Objects.equals(previous.getOutput(), next.getOutput());
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
    return traces.replaceStatus(trace, next).mapEmpty();
  }

  /** {@code Started}, as the Trace shows it, not the Java constant's name. */
  private static String wireName(TraceState state) {
    String name = state.name();
    return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
  }
}
