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
  /**
   * 4 MiB of kernel memory per loaded gadget (one for all the traces that share it): some 65,000
   * open events of a short path, 160 ms at 400,000 events/s (120 ms for one busy mount namespace
   * alone, which flood isolation gives three quarters of it: gadgetflow_ring_share.h), longer than
   * the agent's collector pauses and scheduling gaps on a busy two-core node. 256 KiB, the default
   * before, held about a millisecond and lost events from 100,000/s on (bench/peers,
   * docs/benchmarks.md).
   */
  public static final int DEFAULT_RING_BUFFER_BYTES = 4 * 1024 * 1024;

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
