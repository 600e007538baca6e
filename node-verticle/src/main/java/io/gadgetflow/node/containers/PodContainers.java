package io.gadgetflow.node.containers;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The running containers of a pod, from its status: init, regular and ephemeral containers whose
 * state is {@code running} and that have a runtime id. A container that terminated, is waiting to
 * restart, or was replaced by a restart (a new id) is no longer among them.
 */
public final class PodContainers {
  private PodContainers() {}

  public static List<Container> running(Pod pod) {
    ObjectMeta metadata = pod.getMetadata();
    PodStatus status = pod.getStatus();
    if (metadata == null || status == null) {
      return List.of();
    }
    Map<String, String> labels = metadata.getLabels() == null ? Map.of() : metadata.getLabels();
    List<Container> containers = new ArrayList<>();
    Stream.of(
            status.getInitContainerStatuses(),
            status.getContainerStatuses(),
            status.getEphemeralContainerStatuses())
        .filter(list -> list != null)
        .flatMap(List::stream)
        .filter(PodContainers::isRunning)
        .forEach(
            containerStatus ->
                RuntimeContainerId.idOf(containerStatus.getContainerID())
                    .map(
                        id ->
                            new Container(
                                id,
                                metadata.getNamespace(),
                                metadata.getName(),
                                Optional.ofNullable(metadata.getUid()).orElse(""),
                                containerStatus.getName(),
                                labels,
                                0,
                                0,
                                0))
                    .ifPresent(containers::add));
    return containers;
  }

  private static boolean isRunning(ContainerStatus status) {
    return status.getState() != null && status.getState().getRunning() != null;
  }
}
