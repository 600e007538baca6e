package io.gadgetflow.node.gadget;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gadgetflow.node.bpf.BpfMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * The mount namespaces a filtering gadget reports: the {@code mount_ns_filter} map of gadgetflow.h.
 * Follows containers as they come and go; safe to use from any thread. Several traces may share the
 * gadget, each selecting its containers: a mount namespace stays in the map until every selection
 * of it was withdrawn.
 */
public final class MountNamespaceFilter implements AutoCloseable {
  private static final byte SELECTED = 1;

  private final BpfMap map;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment key = arena.allocate(JAVA_LONG);
  private final MemorySegment value = arena.allocate(JAVA_BYTE);
  private final Map<Long, Integer> selections = new HashMap<>();

  MountNamespaceFilter(BpfMap map) {
    this.map = map;
    value.set(JAVA_BYTE, 0, SELECTED);
  }

  public synchronized void select(long mountNamespaceId) {
    int before = selections.getOrDefault(mountNamespaceId, 0);
    if (before == 0) {
      key.set(JAVA_LONG, 0, mountNamespaceId);
      map.update(key, value, BpfMap.ANY);
    }
    selections.put(mountNamespaceId, before + 1);
  }

  /** Withdraws one selection; the last one takes the mount namespace out of the map. */
  public synchronized void deselect(long mountNamespaceId) {
    Integer before = selections.get(mountNamespaceId);
    if (before == null) {
      return;
    }
    if (before > 1) {
      selections.put(mountNamespaceId, before - 1);
      return;
    }
    selections.remove(mountNamespaceId);
    key.set(JAVA_LONG, 0, mountNamespaceId);
    map.delete(key);
  }

  /** Idempotent. */
  @Override
  public synchronized void close() {
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }
}
