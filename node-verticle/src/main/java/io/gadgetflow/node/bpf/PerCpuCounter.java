package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Reads counters kept by BPF programs in the slots of a per-CPU array of 64-bit values, such as the
 * {@code lost} map every gadget has, each as the sum over all possible CPUs. Safe to call from any
 * thread; closing it frees its buffers, not the map.
 */
public final class PerCpuCounter implements AutoCloseable {
  private static final int POSSIBLE_CPUS = Libbpf.numPossibleCpus();

  private final BpfMap map;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment key;
  private final MemorySegment valuePerCpu;

  public PerCpuCounter(BpfMap map) {
    if (map.type() != BpfMap.TYPE_PERCPU_ARRAY
        || map.keySize() != JAVA_INT.byteSize()
        || map.valueSize() != JAVA_LONG.byteSize()) {
      throw new IllegalArgumentException(
          "map " + map.name() + " is not a per-CPU array of 64-bit counters");
    }
    this.map = map;
    this.key = arena.allocate(JAVA_INT);
    // The kernel copies one value per possible CPU, each in an 8-byte aligned slot.
    this.valuePerCpu = arena.allocate(JAVA_LONG, POSSIBLE_CPUS);
  }

  /** Slot 0's sum. */
  public long sum() {
    return sum(0);
  }

  public synchronized long sum(int slot) {
    key.set(JAVA_INT, 0, slot);
    if (!map.lookup(key, valuePerCpu)) {
      throw new IllegalStateException("per-CPU array " + map.name() + " has no slot " + slot);
    }
    long sum = 0;
    for (int cpu = 0; cpu < POSSIBLE_CPUS; cpu++) {
      sum += valuePerCpu.getAtIndex(JAVA_LONG, cpu);
    }
    return sum;
  }

  /** Idempotent. */
  @Override
  public synchronized void close() {
    if (arena.scope().isAlive()) {
      arena.close();
    }
  }
}
