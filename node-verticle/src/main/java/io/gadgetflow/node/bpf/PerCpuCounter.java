package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Reads a counter kept by BPF programs in slot 0 of a per-CPU array of 64-bit values, such as the
 * {@code lost} map every gadget has, as the sum over all possible CPUs. Safe to call from any
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

  public synchronized long sum() {
    if (!map.lookup(key, valuePerCpu)) {
      throw new IllegalStateException("per-CPU array " + map.name() + " has no slot 0");
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
