package io.gadgetflow.cli.monitoring;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether each role this process runs is up. {@code /health} answers 200 only while every role is
 * up: a starting or stopping role makes it 503, so Kubernetes neither sends traffic to nor counts
 * as ready a process that is not there yet or any more.
 */
public final class RoleHealth {
  /** A role's state as {@code /health} shows it. */
  public enum State {
    STARTING,
    UP,
    STOPPING
  }

  private final Map<String, State> roles = new LinkedHashMap<>();

  public synchronized void set(String role, State state) {
    roles.put(role, state);
  }

  /** Every role is stopping, e.g. once the process was asked to stop. */
  public synchronized void stopping() {
    roles.replaceAll((role, state) -> State.STOPPING);
  }

  public synchronized boolean isUp() {
    return !roles.isEmpty() && roles.values().stream().allMatch(State.UP::equals);
  }

  public synchronized Map<String, State> roles() {
    return Map.copyOf(roles);
  }
}
