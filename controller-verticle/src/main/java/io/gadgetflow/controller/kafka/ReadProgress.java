package io.gadgetflow.controller.kafka;

import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How far a reader has handed a topic's records over, per partition, and who waits for it to pass
 * given offsets: a wait ends once, in every partition it names, the records below its offset have
 * all been handed over. Waits end in the order they were asked, which is the order of their offsets
 * when they are a topic's end offsets taken one after another, so that each record handed over
 * looks at the oldest wait only.
 *
 * <p>Used on one event loop only.
 *
 * @param <P> what names a partition
 */
final class ReadProgress<P> {
  private record Wait<P>(Map<P, Long> offsets, Promise<Void> passed) {}

  /** By partition: the offset after the last record handed over, or known read otherwise. */
  private final Map<P, Long> next = new HashMap<>();

  private final Deque<Wait<P>> waits = new ArrayDeque<>();

  /** The record at {@code offset} of {@code partition} was handed over. */
  void handedOver(P partition, long offset) {
    passedUpTo(partition, offset + 1);
  }

  /**
   * Nothing below {@code offset} of {@code partition} is left for this reader, e.g. since its
   * reading began there.
   */
  void passedUpTo(P partition, long offset) {
    next.merge(partition, offset, Math::max);
    endPassedWaits();
  }

  /** The partitions of {@code offsets} this reader has not handed anything of over yet. */
  Set<P> unknown(Set<P> partitions) {
    return partitions.stream().filter(p -> !next.containsKey(p)).collect(Collectors.toSet());
  }

  /** Completes {@code passed} once the records below {@code offsets} were all handed over. */
  void await(Map<P, Long> offsets, Promise<Void> passed) {
    waits.addLast(new Wait<>(Map.copyOf(offsets), passed));
    endPassedWaits();
  }

  private void endPassedWaits() {
    while (!waits.isEmpty() && passed(waits.peekFirst().offsets())) {
      waits.removeFirst().passed().tryComplete();
    }
  }

  private boolean passed(Map<P, Long> offsets) {
    return offsets.entrySet().stream()
        .allMatch(end -> end.getValue() <= next.getOrDefault(end.getKey(), 0L));
  }

  /** Forgets every partition and fails every wait: the reader reads no more (unsubscribed). */
  void clear(String why) {
    next.clear();
    while (!waits.isEmpty()) {
      waits.removeFirst().passed().tryFail(why);
    }
  }
}
