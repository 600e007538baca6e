package io.gadgetflow.node.gadget;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gadgetflow.node.bpf.BpfMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The events each mount namespace lost, for a gadget that shares its ring between namespaces
 * (src/main/bpf/include/gadgetflow_ring_share.h): the {@code lost} member of a namespace's entry in
 * {@code ring_shares}. Lets a trace that selects some containers count the losses of those
 * containers alone, not of another one flooding the ring. Safe to use from any thread.
 *
 * <p>The map evicts the namespaces that wrote least recently when it is full (8,192 of them), and
 * an evicted namespace's count starts again at zero: far more namespaces than a node has
 * containers.
 */
public final class RingShares implements AutoCloseable {
  static final String MAP = "ring_shares";

  /** {@code struct gadget_ring_share}: last_pos, bytes, lost, over_share. */
  private static final long LOST_OFFSET = 16;

  private static final long OVER_SHARE_OFFSET = 24;

  private static final long VALUE_BYTES = 32;

  private final BpfMap map;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment key = arena.allocate(JAVA_LONG);
  private final MemorySegment value = arena.allocate(VALUE_BYTES, 8);

  RingShares(BpfMap map) {
    if (map.keySize() != JAVA_LONG.byteSize() || map.valueSize() != VALUE_BYTES) {
      throw new IllegalArgumentException("map " + map.name() + " is not a gadget_ring_share map");
    }
    this.map = map;
  }

  /** Events of this mount namespace the kernel dropped since it first wrote; 0 if it never did. */
  public synchronized long lostEvents(long mountNamespaceId) {
    key.set(JAVA_LONG, 0, mountNamespaceId);
    return map.lookup(key, value) ? value.get(JAVA_LONG, LOST_OFFSET) : 0;
  }

  /**
   * The part of {@link #lostEvents} dropped because the namespace had more than its share of the
   * ring while the ring had room; 0 if it never wrote.
   */
  public synchronized long lostOverShare(long mountNamespaceId) {
    key.set(JAVA_LONG, 0, mountNamespaceId);
    return map.lookup(key, value) ? value.get(JAVA_LONG, OVER_SHARE_OFFSET) : 0;
  }

  /** Idempotent. */
  @Override
  public synchronized void close() {
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }
}
