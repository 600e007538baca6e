package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a workload of the install manifests runs what was applied, as {@code kubectl rollout
 * status} tells it: the workload's controller saw the latest generation and every replica (every
 * scheduled node, for a DaemonSet) is updated and available.
 */
final class Rollout {
  private Rollout() {}

  /** Deployments and DaemonSets are waited for; everything else is ready once applied. */
  static boolean isWorkload(HasMetadata object) {
    return object instanceof Deployment || object instanceof DaemonSet;
  }

  /**
   * @return why {@code object} is not ready yet, e.g. {@code 0 of 1 replicas available}; empty when
   *     it is ready or is no workload
   */
  static Optional<String> notReady(HasMetadata object) {
    return switch (object) {
      case null -> Optional.of("not there");
      case Deployment deployment -> notReady(deployment);
      case DaemonSet daemonSet -> notReady(daemonSet);
      default -> Optional.empty();
    };
  }

  private static Optional<String> notReady(Deployment deployment) {
    DeploymentStatus status = deployment.getStatus();
    if (status == null || !isObserved(deployment, status.getObservedGeneration())) {
      return Optional.of("its controller has not seen it yet");
    }
    int wanted = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    int updated = Objects.requireNonNullElse(status.getUpdatedReplicas(), 0);
    int available = Objects.requireNonNullElse(status.getAvailableReplicas(), 0);
    if (updated < wanted || available < wanted) {
      return Optional.of(
          "%d of %d replicas updated, %d available".formatted(updated, wanted, available));
    }
    return Optional.empty();
  }

  private static Optional<String> notReady(DaemonSet daemonSet) {
    DaemonSetStatus status = daemonSet.getStatus();
    if (status == null || !isObserved(daemonSet, status.getObservedGeneration())) {
      return Optional.of("its controller has not seen it yet");
    }
    int wanted = Objects.requireNonNullElse(status.getDesiredNumberScheduled(), 0);
    int updated = Objects.requireNonNullElse(status.getUpdatedNumberScheduled(), 0);
    int available = Objects.requireNonNullElse(status.getNumberAvailable(), 0);
    if (updated < wanted || available < wanted) {
      return Optional.of(
          "%d of %d nodes updated, %d available".formatted(updated, wanted, available));
    }
    return Optional.empty();
  }

  private static boolean isObserved(HasMetadata object, Long observedGeneration) {
    Long generation = object.getMetadata().getGeneration();
    return observedGeneration != null && (generation == null || observedGeneration >= generation);
  }
}
