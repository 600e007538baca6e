package io.gadgetflow.controller.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which offsets of each partition may be committed: up to, not including, the first record read and
 * not yet applied. Records are handed over in offset order but applied in any order (a status write
 * may wait for its retries while later reports are written); a record that is never applied (the
 * replica stopped acting while its write waited) holds the partition's commit back for good, so
 * that the replica acting next reads it again.
 *
 * <p>Used on one event loop only.
 *
 * @param <P> what names a partition
 */
final class AppliedOffsets<P> {
  private static final class Partition {
    final TreeSet<Long> unapplied = new TreeSet<>();
    long next = -1;
    long committed = -1;

    long committable() {
      return unapplied.isEmpty() ? next : unapplied.first();
    }
  }

  private final Map<P, Partition> partitions = new HashMap<>();

  /** The record at {@code offset} of {@code partition} was read and is being applied. */
  void read(P partition, long offset) {
    Partition read = partitions.computeIfAbsent(partition, p -> new Partition());
    read.unapplied.add(offset);
    read.next = Math.max(read.next, offset + 1);
  }

  /** The record at {@code offset} of {@code partition} was applied, or skipped for good. */
  void applied(P partition, long offset) {
    Partition read = partitions.get(partition);
    if (read != null) {
      read.unapplied.remove(offset);
    }
  }

  /**
   * The offset to commit for each partition whose committable offset moved past what was last
   * {@link #committed}: the next one to read again if this replica stopped now. Until a commit is
   * told to have succeeded, its offsets are offered again: a commit refused during a rebalance was
   * otherwise never tried again, and the replica acting next read reports this one had applied.
   */
  Map<P, Long> toCommit() {
    Map<P, Long> moved = new HashMap<>();
    partitions.forEach(
        (partition, read) -> {
          long committable = read.committable();
          if (committable > read.committed) {
            moved.put(partition, committable);
          }
        });
    return moved;
  }

  /** The broker has {@code offsets} committed (from {@link #toCommit}). */
  void committed(Map<P, Long> offsets) {
    offsets.forEach(
        (partition, offset) -> {
          Partition read = partitions.get(partition);
          if (read != null) {
            read.committed = Math.max(read.committed, offset);
          }
        });
  }

  /** Forgets every partition: a new subscription reads from what was committed. */
  void clear() {
    partitions.clear();
  }
}
