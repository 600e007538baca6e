package io.gadgetflow.node.containers;

import io.gadgetflow.api.trace.TraceFilter;
import java.util.Map;
import java.util.Set;

/**
 * A Trace's {@code spec.filter} as a test on containers, with Inspektor Gadget's meaning: an empty
 * field matches anything, every given field must match; {@code namespace} may list several,
 * comma-separated; {@code labels} must all be on the pod with these values.
 */
public record ContainerFilter(
    Set<String> namespaces, String podName, String containerName, Map<String, String> labels) {

  /** Matches every container. */
  public static final ContainerFilter ANY = new ContainerFilter(Set.of(), "", "", Map.of());

  public ContainerFilter {
    namespaces = Set.copyOf(namespaces);
    podName = podName == null ? "" : podName.strip();
    containerName = containerName == null ? "" : containerName.strip();
    labels = Map.copyOf(labels);
  }

  public static ContainerFilter of(TraceFilter filter) {
    return new ContainerFilter(
        Set.copyOf(filter.namespaces()), filter.podname(), filter.containerName(), filter.labels());
  }

  public boolean matches(Container container) {
    return (namespaces.isEmpty() || namespaces.contains(container.namespace()))
        && (podName.isEmpty() || podName.equals(container.pod()))
        && (containerName.isEmpty() || containerName.equals(container.name()))
        && container.labels().entrySet().containsAll(labels.entrySet());
  }
}
