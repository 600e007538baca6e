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
 * @param netNamespaceId the inode of its processes' {@code /proc/<pid>/ns/net} (its pod's), or 0
 *     while not known
 * @param pid the process it was found by, a way into its namespaces
 */
public record Container(
    String id,
    String namespace,
    String pod,
    String podUid,
    String name,
    Map<String, String> labels,
    long mountNamespaceId,
    long netNamespaceId,
    long pid) {

  public Container {
    labels = Map.copyOf(labels);
  }

  public boolean located() {
    return mountNamespaceId != 0;
  }

  /** The same container, found where {@code located} says. */
  public Container withLocation(ProcessScanner.Location located) {
    return new Container(
        id,
        namespace,
        pod,
        podUid,
        name,
        labels,
        located.mountNamespaceId(),
        located.netNamespaceId(),
        located.pid());
  }

  public ProcessScanner.Location location() {
    return new ProcessScanner.Location(mountNamespaceId, netNamespaceId, pid);
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
