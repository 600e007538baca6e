package io.gadgetflow.node.containers;

import java.util.Collection;
import java.util.function.ToLongFunction;

/**
 * An immutable map from namespace id (mount or network) to container, looked up once per event by
 * ring reader threads: open addressing over a {@code long[]}, so a lookup neither allocates nor
 * boxes.
 */
final class NamespaceIndex {
  static final NamespaceIndex EMPTY = new NamespaceIndex(new long[1], new Container[1]);

  private final long[] keys;
  private final Container[] values;
  private final int mask;

  private NamespaceIndex(long[] keys, Container[] values) {
    this.keys = keys;
    this.values = values;
    this.mask = keys.length - 1;
  }

  /**
   * Later containers of the same namespace win: list the ones that should last. Containers whose
   * namespace is 0 (not known) are left out.
   */
  static NamespaceIndex of(Collection<Container> containers, ToLongFunction<Container> namespace) {
    int capacity = Integer.highestOneBit(Math.max(1, containers.size()) * 2) * 2;
    long[] keys = new long[capacity];
    Container[] values = new Container[capacity];
    int mask = capacity - 1;
    for (Container container : containers) {
      long key = namespace.applyAsLong(container);
      if (key == 0) {
        continue;
      }
      int slot = slot(key, mask);
      while (keys[slot] != 0 && keys[slot] != key) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = key;
      values[slot] = container;
    }
    return new NamespaceIndex(keys, values);
  }

  /** The container of this namespace, or null (the host's, or one not known yet). */
  Container get(long namespaceId) {
    if (namespaceId == 0) {
      return null;
    }
    int slot = slot(namespaceId, mask);
    long key;
    while ((key = keys[slot]) != 0) {
      if (key == namespaceId) {
        return values[slot];
      }
      slot = (slot + 1) & mask;
    }
    return null;
  }

  /** Namespace ids are inode numbers, close together: mix the bits before masking. */
  private static int slot(long key, int mask) {
    long mixed = key * 0x9E3779B97F4A7C15L;
    return (int) (mixed >>> 32) & mask;
  }
}
