package io.gadgetflow.node.trace;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.node.containers.Container;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.gadget.ContainerNames;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;

/**
 * What the node agent adds to each event, row or report entry to say where it comes from: the node,
 * and the namespace, pod and name of the container, empty for the host's processes (or the pod
 * alone, for a packet of a pod's network whose sender is not known).
 */
final class NodeNames implements ContainerNames {
  private static final JsonName NODE = JsonName.of(CommonEventFields.NODE);
  private static final JsonName NAMESPACE = JsonName.of(CommonEventFields.NAMESPACE);
  private static final JsonName POD = JsonName.of(CommonEventFields.POD);
  private static final JsonName CONTAINER = JsonName.of(CommonEventFields.CONTAINER);

  private final String nodeName;
  private final ContainerRegistry containers;

  NodeNames(String nodeName, ContainerRegistry containers) {
    this.nodeName = nodeName;
    this.containers = containers;
  }

  @Override
  public void write(long mountNsId, JsonEventWriter out) {
    write(containers.byMountNamespace(mountNsId), out);
  }

  /** {@code container} is null for a process of the host. */
  void write(Container container, JsonEventWriter out) {
    out.field(NODE, nodeName);
    out.field(NAMESPACE, container == null ? "" : container.namespace());
    out.field(POD, container == null ? "" : container.pod());
    out.field(CONTAINER, container == null ? "" : container.name());
  }

  /** {@code pod} is any container of the pod, null for the host; the container is left empty. */
  void writePod(Container pod, JsonEventWriter out) {
    out.field(NODE, nodeName);
    out.field(NAMESPACE, pod == null ? "" : pod.namespace());
    out.field(POD, pod == null ? "" : pod.pod());
    out.field(CONTAINER, "");
  }
}
