package io.gadgetflow.controller.status;

import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.controller.kube.TraceRepository;
import io.vertx.core.Future;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    LOG.info(
        "{}",
        TraceLog.about("status-written", trace)
            .field("state", next.getState())
            .field("operationError", next.getOperationError())
            .field("operationWarning", next.getOperationWarning())
            .field("outputCharacters", next.getOutput() == null ? 0 : next.getOutput().length()));
    return traces.replaceStatus(trace, next).mapEmpty();
  }
}
