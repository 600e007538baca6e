package io.gadgetflow.node.containers;

import java.util.Map;

/**
 * A running container of this node, as its pod and the processes in its cgroup describe it.
 *
 * @param id the runtime's id, without the {@code <runtime>://} prefix
 * @param name the container's name in the pod spec
 * @param labels the pod's labels
 * @param mountNamespaceId the inode of its processes' {@code /proc/<pid>/ns/mnt}, or 0 while no
 *     process of it was found
 */
public record Container(
    String id,
    String namespace,
    String pod,
    String podUid,
    String name,
    Map<String, String> labels,
    long mountNamespaceId) {

  public Container {
    labels = Map.copyOf(labels);
  }

  public boolean located() {
    return mountNamespaceId != 0;
  }

  public Container withMountNamespaceId(long id) {
    return new Container(this.id, namespace, pod, podUid, name, labels, id);
  }

  /** The pod's description of the container matters, not where its processes were found. */
  boolean describedAs(Container other) {
    return id.equals(other.id)
        && namespace.equals(other.namespace)
        && pod.equals(other.pod)
        && podUid.equals(other.podUid)
        && name.equals(other.name)
        && labels.equals(other.labels);
  }
}
