package io.gadgetflow.node.containers;

import java.util.Optional;

/**
 * The ids kubelet reports in {@code status.containerStatuses[].containerID}: {@code
 * <runtime>://<id>}, e.g. {@code containerd://…}, {@code cri-o://…}, {@code docker://…}. The id
 * part is the one the runtime names the container's cgroup after.
 */
public final class RuntimeContainerId {
  private static final String SEPARATOR = "://";

  private RuntimeContainerId() {}

  /** The id without its runtime, or empty when the container has none yet. */
  public static Optional<String> idOf(String containerId) {
    if (containerId == null) {
      return Optional.empty();
    }
    int separator = containerId.indexOf(SEPARATOR);
    String id = separator < 0 ? containerId : containerId.substring(separator + SEPARATOR.length());
    return id.isBlank() ? Optional.empty() : Optional.of(id.strip());
  }
}
