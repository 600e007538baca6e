package io.gadgetflow.node.trace;

import io.gadgetflow.node.gadget.RingShares;
import java.util.HashMap;
import java.util.Map;

/**
 * A filtered trace's part of its gadget's kernel losses, for a gadget that counts them per mount
 * namespace: the events the kernel dropped of the namespaces the trace selects, each counted from
 * when the trace selected it. Another container flooding the shared ring loses its own events, and
 * they are not this trace's (docs/benchmarks.md, "Flood isolation"). Safe from any thread.
 */
final class SelectedNamespaceLosses {
  private final RingShares shares;

  /** Each selected namespace's counts when it was selected. */
  private final Map<Long, KernelLosses> countsAtSelection = new HashMap<>();

  private KernelLosses ofDeselected = KernelLosses.NONE;

  SelectedNamespaceLosses(RingShares shares) {
    this.shares = shares;
  }

  synchronized void selected(long mountNamespaceId) {
    countsAtSelection.putIfAbsent(mountNamespaceId, counts(mountNamespaceId));
  }

  synchronized void deselected(long mountNamespaceId) {
    KernelLosses atSelection = countsAtSelection.remove(mountNamespaceId);
    if (atSelection != null) {
      ofDeselected = ofDeselected.plus(since(mountNamespaceId, atSelection));
    }
  }

  /** Reads the kernel's counts of every selected namespace: two system calls each. */
  synchronized KernelLosses total() {
    KernelLosses total = ofDeselected;
    for (Map.Entry<Long, KernelLosses> selected : countsAtSelection.entrySet()) {
      total = total.plus(since(selected.getKey(), selected.getValue()));
    }
    return total;
  }

  private KernelLosses counts(long mountNamespaceId) {
    return KernelLosses.ofTotal(
        shares.lostEvents(mountNamespaceId), shares.lostOverShare(mountNamespaceId));
  }

  /** A count below the one at selection was evicted and started again: all of it is new. */
  private KernelLosses since(long mountNamespaceId, KernelLosses atSelection) {
    KernelLosses now = counts(mountNamespaceId);
    return now.total() >= atSelection.total() ? now.minus(atSelection) : now;
  }
}
