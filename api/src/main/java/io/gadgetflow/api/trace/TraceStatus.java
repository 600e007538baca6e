package io.gadgetflow.api.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the node running a Trace reported. {@code state}, {@code output}, {@code operationError} and
 * {@code operationWarning} are Inspektor Gadget's; the rest are GadgetFlow additions that IG
 * clients ignore.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public final class TraceStatus {
  private TraceState state;
  private String output;
  private String operationError;
  private String operationWarning;
  private Long observedGeneration;
  private Long events;
  private Long lostEvents;
  private List<Condition> conditions = new ArrayList<>();

  public TraceState getState() {
    return state;
  }

  public void setState(TraceState state) {
    this.state = state;
  }

  public String getOutput() {
    return output;
  }

  public void setOutput(String output) {
    this.output = output;
  }

  public String getOperationError() {
    return operationError;
  }

  public void setOperationError(String operationError) {
    this.operationError = operationError;
  }

  public String getOperationWarning() {
    return operationWarning;
  }

  public void setOperationWarning(String operationWarning) {
    this.operationWarning = operationWarning;
  }

  /** The Trace generation this status was computed for. */
  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  /** Events the node's gadget delivered since it last started. */
  public Long getEvents() {
    return events;
  }

  public void setEvents(Long events) {
    this.events = events;
  }

  /** Events the node could not deliver (kernel ring full or agent queue full). */
  public Long getLostEvents() {
    return lostEvents;
  }

  public void setLostEvents(Long lostEvents) {
    this.lostEvents = lostEvents;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TraceStatus that
        && state == that.state
        && Objects.equals(output, that.output)
        && Objects.equals(operationError, that.operationError)
        && Objects.equals(operationWarning, that.operationWarning)
        && Objects.equals(observedGeneration, that.observedGeneration)
        && Objects.equals(events, that.events)
        && Objects.equals(lostEvents, that.lostEvents)
        && Objects.equals(conditions, that.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        state,
        output,
        operationError,
        operationWarning,
        observedGeneration,
        events,
        lostEvents,
        conditions);
  }
}
