package io.gadgetflow.controller.status;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Operations handed to a node and not yet answered, each with a deadline. Used only from the
 * controller's event loop, so it needs no locking.
 */
public final class PendingAnswers {

  /** An operation waiting for its node's answer. */
  public record Awaited(String operationId, String traceKey, String node, String operation) {}

  /** The timer id of an operation whose hand-over is not acknowledged yet. */
  private static final long NO_TIMER = -1;

  private record Entry(Awaited awaited, long timerId) {}

  private final Vertx vertx;
  private final Consumer<Awaited> onDeadline;
  private final Map<String, Entry> byOperationId = new HashMap<>();

  public PendingAnswers(Vertx vertx, Consumer<Awaited> onDeadline) {
    this.vertx = vertx;
    this.onDeadline = onDeadline;
  }

  /**
   * Waits for the answer to an operation from before it is handed over, so that an answer which
   * comes back before the hand-over's own acknowledgement still counts: under load the node was
   * seen to receive an operation before the controller learned that Kafka had it, and an answer
   * that found nothing waiting was dropped, leaving the operation to time out. The deadline runs
   * from the acknowledgement: the time the controller's own send took (seconds at 500 nodes,
   * docs/scale.md) is not the node's, and counted, it showed nodes that answered as silent. A
   * failed hand-over is no longer awaited.
   *
   * @param handOver publishes the operation; called once, after the waiting started
   */
  public Future<Void> handOver(Awaited awaited, Duration timeout, Supplier<Future<Void>> handOver) {
    boolean first = !byOperationId.containsKey(awaited.operationId());
    if (first) {
      byOperationId.put(awaited.operationId(), new Entry(awaited, NO_TIMER));
    }
    return handOver
        .get()
        .onSuccess(
            v -> {
              if (first) {
                startDeadline(awaited, timeout);
              }
            })
        .onFailure(e -> answered(awaited.operationId()));
  }

  /** Starts the deadline of what is still awaited; waiting again keeps the first deadline. */
  private void startDeadline(Awaited awaited, Duration timeout) {
    Entry entry = byOperationId.get(awaited.operationId());
    if (entry == null || entry.timerId() != NO_TIMER) {
      return;
    }
    long timerId =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            id -> {
              if (byOperationId.remove(awaited.operationId()) != null) {
                onDeadline.accept(awaited);
              }
            });
    byOperationId.put(awaited.operationId(), new Entry(entry.awaited(), timerId));
  }

  public boolean isAwaited(String operationId) {
    return byOperationId.containsKey(operationId);
  }

  /** What is awaited under {@code operationId}, if anything; it stays awaited. */
  public Optional<Awaited> awaited(String operationId) {
    Entry entry = operationId == null ? null : byOperationId.get(operationId);
    return Optional.ofNullable(entry).map(Entry::awaited);
  }

  /** Stops waiting for {@code operationId}; returns what was awaited, if it still was. */
  public Optional<Awaited> answered(String operationId) {
    Entry entry = operationId == null ? null : byOperationId.remove(operationId);
    if (entry == null) {
      return Optional.empty();
    }
    cancel(entry);
    return Optional.of(entry.awaited());
  }

  private void cancel(Entry entry) {
    if (entry.timerId() != NO_TIMER) {
      vertx.cancelTimer(entry.timerId());
    }
  }

  /** Forgets everything, e.g. when this replica stops acting. */
  public void clear() {
    byOperationId.values().forEach(this::cancel);
    byOperationId.clear();
  }
}
