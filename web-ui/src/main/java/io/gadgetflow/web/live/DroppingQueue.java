package io.gadgetflow.web.live;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Events waiting for one browser. It never holds more than its capacity: when a browser reads too
 * slowly, the oldest waiting events make room for new ones and are counted, so a live view stays
 * live and says how much it missed. Used from one event loop only.
 */
final class DroppingQueue<T> {
  private final int capacity;
  private final ArrayDeque<T> items;
  private long droppedSinceTaken;
  private long droppedTotal;

  DroppingQueue(int capacity) {
    this.capacity = capacity;
    this.items = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  void add(T item) {
    if (items.size() == capacity) {
      items.pollFirst();
      droppedSinceTaken++;
      droppedTotal++;
    }
    items.addLast(item);
  }

  boolean isEmpty() {
    return items.isEmpty();
  }

  int size() {
    return items.size();
  }

  /** Removes and returns up to {@code max} of the oldest items. */
  List<T> take(int max) {
    int n = Math.min(max, items.size());
    List<T> taken = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      taken.add(items.pollFirst());
    }
    return taken;
  }

  /** Removes the waiting items that {@code unwanted} matches, without counting them as dropped. */
  void removeIf(Predicate<T> unwanted) {
    items.removeIf(unwanted);
  }

  /** Items dropped since the last call, which the browser has not been told about yet. */
  long takeDropped() {
    long dropped = droppedSinceTaken;
    droppedSinceTaken = 0;
    return dropped;
  }

  long droppedTotal() {
    return droppedTotal;
  }

  void clear() {
    items.clear();
  }
}
