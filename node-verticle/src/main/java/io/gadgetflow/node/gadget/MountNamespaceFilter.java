package io.gadgetflow.node.gadget;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gadgetflow.node.bpf.BpfMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The mount namespaces a filtering gadget reports: the {@code mount_ns_filter} map of gadgetflow.h.
 * Follows containers as they come and go; safe to use from any thread.
 */
public final class MountNamespaceFilter implements AutoCloseable {
  private static final byte SELECTED = 1;

  private final BpfMap map;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment key = arena.allocate(JAVA_LONG);
  private final MemorySegment value = arena.allocate(JAVA_BYTE);

  MountNamespaceFilter(BpfMap map) {
    this.map = map;
    value.set(JAVA_BYTE, 0, SELECTED);
  }

  public synchronized void select(long mountNamespaceId) {
    key.set(JAVA_LONG, 0, mountNamespaceId);
    map.update(key, value, BpfMap.ANY);
  }

  /** Returns whether it was selected. */
  public synchronized boolean deselect(long mountNamespaceId) {
    key.set(JAVA_LONG, 0, mountNamespaceId);
    return map.delete(key);
  }

  /** Idempotent. */
  @Override
  public synchronized void close() {
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }
}
