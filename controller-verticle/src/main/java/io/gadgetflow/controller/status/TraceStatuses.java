package io.gadgetflow.controller.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.TraceStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The status a Trace should have after each thing that can happen to it. Pure functions: the caller
 * compares the result with the current status and writes only when they differ.
 */
public final class TraceStatuses {
  /** True while the node's last answer was not an error. */
  public static final String READY = "Ready";

  public static final String REASON_ANSWERED = "NodeAnswered";
  public static final String REASON_OPERATION_FAILED = "OperationFailed";
  public static final String REASON_NODE_SILENT = "NodeDidNotAnswer";
  public static final String REASON_INVALID = "InvalidSpec";

  private TraceStatuses() {}

  /**
   * What the node says replaces what it said before: state (kept when the node reports none),
   * output, error, warning and counters.
   */
  public static TraceStatus afterReport(
      TraceStatus current, NodeReport report, Long generation, Instant now) {
    TraceStatus next = copy(current);
    if (report.state() != null) {
      next.setState(report.state());
    }
    next.setOutput(report.output());
    next.setOperationError(report.operationError());
    next.setOperationWarning(report.operationWarning());
    next.setEvents(report.counters().events());
    next.setLostEvents(report.counters().lost());
    next.setObservedGeneration(generation);
    boolean failed = report.operationError() != null && !report.operationError().isEmpty();
    next.setConditions(
        ready(
            current,
            !failed,
            failed ? REASON_OPERATION_FAILED : REASON_ANSWERED,
            failed ? report.operationError() : "",
            generation,
            now));
    return next;
  }

  /**
   * Only the event counters of {@code report}: what a report of an earlier operation may still
   * change on a running Trace, whose answer it no longer is.
   */
  public static TraceStatus withCounters(TraceStatus current, NodeReport report) {
    TraceStatus next = copy(current);
    next.setEvents(report.counters().events());
    next.setLostEvents(report.counters().lost());
    return next;
  }

  /** An operation the node did not answer in time. */
  public static TraceStatus afterSilence(
      TraceStatus current, String message, Long generation, Instant now) {
    return withError(current, message, REASON_NODE_SILENT, generation, now);
  }

  /** A spec or operation the controller refused; the state stays what it was. */
  public static TraceStatus afterRefusal(
      TraceStatus current, String message, Long generation, Instant now) {
    return withError(current, message, REASON_INVALID, generation, now);
  }

  private static TraceStatus withError(
      TraceStatus current, String message, String reason, Long generation, Instant now) {
    TraceStatus next = copy(current);
    next.setOperationError(message);
    next.setOperationWarning(null);
    next.setObservedGeneration(generation);
    next.setConditions(ready(current, false, reason, message, generation, now));
    return next;
  }

  /**
   * The Ready condition; its transition time moves only when its status flips, so writing the same
   * facts twice produces an identical status.
   */
  private static List<Condition> ready(
      TraceStatus current,
      boolean ready,
      String reason,
      String message,
      Long generation,
      Instant now) {
    String status = ready ? "True" : "False";
    String since =
        current == null
            ? timestamp(now)
            : current.getConditions().stream()
                .filter(c -> READY.equals(c.getType()) && status.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .findFirst()
                .orElse(timestamp(now));
    return List.of(
        new ConditionBuilder()
            .withType(READY)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build());
  }

  /** Kubernetes times are RFC 3339 to the second. */
  private static String timestamp(Instant now) {
    return now.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static TraceStatus copy(TraceStatus current) {
    TraceStatus next = new TraceStatus();
    if (current != null) {
      next.setState(current.getState());
      next.setOutput(current.getOutput());
      next.setOperationError(current.getOperationError());
      next.setOperationWarning(current.getOperationWarning());
      next.setObservedGeneration(current.getObservedGeneration());
      next.setEvents(current.getEvents());
      next.setLostEvents(current.getLostEvents());
      next.setConditions(current.getConditions());
    }
    return next;
  }
}
