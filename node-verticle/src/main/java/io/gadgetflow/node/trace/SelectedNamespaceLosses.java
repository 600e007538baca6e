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

  /** Each selected namespace's count when it was selected. */
  private final Map<Long, Long> countsAtSelection = new HashMap<>();

  private long ofDeselected;

  SelectedNamespaceLosses(RingShares shares) {
    this.shares = shares;
  }

  synchronized void selected(long mountNamespaceId) {
    countsAtSelection.putIfAbsent(mountNamespaceId, shares.lostEvents(mountNamespaceId));
  }

  synchronized void deselected(long mountNamespaceId) {
    Long atSelection = countsAtSelection.remove(mountNamespaceId);
    if (atSelection != null) {
      ofDeselected += since(mountNamespaceId, atSelection);
    }
  }

  /** Reads the kernel's count of every selected namespace: a system call each. */
  synchronized long total() {
    long total = ofDeselected;
    for (Map.Entry<Long, Long> selected : countsAtSelection.entrySet()) {
      total += since(selected.getKey(), selected.getValue());
    }
    return total;
  }

  /** A count below the one at selection was evicted and started again: all of it is new. */
  private long since(long mountNamespaceId, long atSelection) {
    long now = shares.lostEvents(mountNamespaceId);
    return now >= atSelection ? now - atSelection : now;
  }
}
