package io.gadgetflow.cli.monitoring;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether each role this process runs is up. {@code /health} answers 200 only while every role is
 * up: a starting or stopping role makes it 503, so Kubernetes neither sends traffic to nor counts
 * as ready a process that is not there yet or any more; a failed role makes it 503 with the reason.
 */
public final class RoleHealth {
  /** A role's state as {@code /health} shows it. */
  public enum State {
    STARTING,
    UP,
    STOPPING,
    /** A part of the role died ({@link #failed}); the process is on its way out. */
    FAILED
  }

  private final Map<String, State> roles = new LinkedHashMap<>();
  private final Map<String, String> reasons = new LinkedHashMap<>();

  public synchronized void set(String role, State state) {
    if (roles.get(role) != State.FAILED) {
      roles.put(role, state);
    }
  }

  /** The role failed for good: {@code /health} says so, with the reason, until the process ends. */
  public synchronized void failed(String role, String reason) {
    roles.put(role, State.FAILED);
    reasons.put(role, reason);
  }

  /** Why each failed role failed. */
  public synchronized Map<String, String> reasons() {
    return Map.copyOf(reasons);
  }

  /** Every role is stopping, e.g. once the process was asked to stop. */
  public synchronized void stopping() {
    roles.replaceAll((role, state) -> state == State.FAILED ? state : State.STOPPING);
  }

  public synchronized boolean isUp() {
    return !roles.isEmpty() && roles.values().stream().allMatch(State.UP::equals);
  }

  public synchronized Map<String, State> roles() {
    return Map.copyOf(roles);
  }
}
