package io.gadgetflow.controller.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.TraceStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

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
   * output, error, warning and counters. A periodic counters update changes the counters only: the
   * answer it repeats is already in the status, and an error written since (the controller refusing
   * an operation) must stay.
   */
  public static TraceStatus afterReport(
      TraceStatus current, NodeReport report, Long generation, Instant now) {
    if (report.countersUpdate()) {
      return withCounters(current, report);
    }
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
   * Whether {@code current} already shows {@code report}, an answer given again: its state, with no
   * error in either. A restarted node agent answers the last operation of each of its traces again
   * (it cannot tell which its predecessor answered), with the counters of a gadget that has not run
   * yet and no output; the status came from the first answer, which is the one to keep. A counter
   * update is no answer; a status that shows the node silent, or an error, takes the answer.
   */
  public static boolean showsAnswer(TraceStatus current, NodeReport report) {
    return !report.countersUpdate()
        && report.state() != null
        && report.operationError() == null
        && current != null
        && report.state() == current.getState()
        && current.getOperationError() == null;
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
   * A status computed from {@code base} as {@code next}, moved onto {@code fresh}, the status the
   * Trace has now: each field the computation changed takes its new value, every other field keeps
   * what {@code fresh} has, so neither this change nor the one made meanwhile is lost.
   */
  public static TraceStatus rebase(TraceStatus base, TraceStatus next, TraceStatus fresh) {
    TraceStatus from = base == null ? new TraceStatus() : base;
    TraceStatus to = next == null ? new TraceStatus() : next;
    TraceStatus rebased = copy(fresh);
    if (from.getState() != to.getState()) {
      rebased.setState(to.getState());
    }
    if (!Objects.equals(from.getOutput(), to.getOutput())) {
      rebased.setOutput(to.getOutput());
    }
    if (!Objects.equals(from.getOperationError(), to.getOperationError())) {
      rebased.setOperationError(to.getOperationError());
    }
    if (!Objects.equals(from.getOperationWarning(), to.getOperationWarning())) {
      rebased.setOperationWarning(to.getOperationWarning());
    }
    if (!Objects.equals(from.getObservedGeneration(), to.getObservedGeneration())) {
      rebased.setObservedGeneration(to.getObservedGeneration());
    }
    if (!Objects.equals(from.getEvents(), to.getEvents())) {
      rebased.setEvents(to.getEvents());
    }
    if (!Objects.equals(from.getLostEvents(), to.getLostEvents())) {
      rebased.setLostEvents(to.getLostEvents());
    }
    if (!Objects.equals(from.getConditions(), to.getConditions())) {
      rebased.setConditions(to.getConditions());
    }
    return rebased;
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
