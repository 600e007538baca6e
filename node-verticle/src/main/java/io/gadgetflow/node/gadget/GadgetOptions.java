package io.gadgetflow.node.gadget;

import java.util.List;
import java.util.Set;

/**
 * How to start a gadget.
 *
 * @param ringBufferBytes the events ring's size: a power of two, at least one page
 * @param filterByMountNamespace whether the kernel drops events of unselected mount namespaces
 * @param mountNamespaceIds the ones selected from the start, before any event flows
 * @param networks for a gadget that looks into network namespaces one by one (snapshot socket):
 *     those of the node, or of the selected containers
 */
public record GadgetOptions(
    int ringBufferBytes,
    boolean filterByMountNamespace,
    Set<Long> mountNamespaceIds,
    List<WatchedNetwork> networks) {
  public static final int DEFAULT_RING_BUFFER_BYTES = 256 * 1024;

  public GadgetOptions {
    if (ringBufferBytes <= 0 || Integer.bitCount(ringBufferBytes) != 1) {
      throw new IllegalArgumentException(
          "ring buffer size must be a power of two, not " + ringBufferBytes);
    }
    mountNamespaceIds = Set.copyOf(mountNamespaceIds);
    networks = List.copyOf(networks);
    if (!filterByMountNamespace && !mountNamespaceIds.isEmpty()) {
      throw new IllegalArgumentException("mount namespaces given, but filtering is off");
    }
  }

  /** Every event of the node. */
  public static GadgetOptions unfiltered() {
    return new GadgetOptions(DEFAULT_RING_BUFFER_BYTES, false, Set.of(), List.of());
  }

  /** Only events of these mount namespaces (none at all while the set is empty). */
  public static GadgetOptions filtered(Set<Long> mountNamespaceIds) {
    return new GadgetOptions(DEFAULT_RING_BUFFER_BYTES, true, mountNamespaceIds, List.of());
  }

  public GadgetOptions withRingBufferBytes(int bytes) {
    return new GadgetOptions(bytes, filterByMountNamespace, mountNamespaceIds, networks);
  }

  public GadgetOptions withNetworks(List<WatchedNetwork> watched) {
    return new GadgetOptions(ringBufferBytes, filterByMountNamespace, mountNamespaceIds, watched);
  }
}
