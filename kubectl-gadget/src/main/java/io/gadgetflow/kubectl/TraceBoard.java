package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gadgetflow.api.trace.Trace;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The latest version of one run's Traces, kept current by a watch on their trace id label, so the
 * command waits for what the controller and the nodes answer instead of polling for it.
 */
final class TraceBoard implements AutoCloseable {
  /** Waits are cut into slices no longer than this, so a far deadline cannot overflow. */
  private static final Duration LONGEST_SLICE = Duration.ofHours(1);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Trace> latestByName = new TreeMap<>();
  private SharedIndexInformer<Trace> informer;

  private TraceBoard() {}

  /** Starts watching; returns once the current Traces with {@code traceId} are known. */
  static TraceBoard watch(KubernetesClient client, String namespace, String traceId) {
    TraceBoard board = new TraceBoard();
    board.informer =
        client
            .resources(Trace.class)
            .inNamespace(namespace)
            .withLabel(TraceGroup.TRACE_ID_LABEL, traceId)
            .inform(board.new Updates());
    return board;
  }

  /** The Traces as last seen, by name. */
  Map<String, Trace> snapshot() {
    lock.lock();
    try {
      return Map.copyOf(latestByName);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until {@code condition} holds for the Traces as last seen, by name, or until {@code
   * deadline} ({@link Instant#MAX} for no deadline), and returns them as last seen either way.
   */
  Map<String, Trace> awaitUntil(Predicate<Map<String, Trace>> condition, Instant deadline)
      throws InterruptedException {
    lock.lock();
    try {
      while (!condition.test(Collections.unmodifiableMap(latestByName))) {
        Duration remaining = Duration.between(Instant.now(), deadline);
        if (remaining.isNegative() || remaining.isZero()) {
          break;
        }
        changed.awaitNanos(
            remaining.compareTo(LONGEST_SLICE) > 0 ? LONGEST_SLICE.toNanos() : remaining.toNanos());
      }
      return Map.copyOf(latestByName);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    informer.close();
  }

  private final class Updates implements ResourceEventHandler<Trace> {
    @Override
    public void onAdd(Trace trace) {
      update(trace, false);
    }

    @Override
    public void onUpdate(Trace old, Trace trace) {
      update(trace, false);
    }

    @Override
    public void onDelete(Trace trace, boolean finalStateUnknown) {
      update(trace, true);
    }

    private void update(Trace trace, boolean deleted) {
      lock.lock();
      try {
        if (deleted) {
          latestByName.remove(trace.getMetadata().getName());
        } else {
          latestByName.put(trace.getMetadata().getName(), trace);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
