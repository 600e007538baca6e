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
   * that found nothing waiting was dropped, leaving the operation to time out. A failed hand-over
   * is no longer awaited.
   *
   * @param handOver publishes the operation; called once, after the waiting started
   */
  public Future<Void> handOver(Awaited awaited, Duration timeout, Supplier<Future<Void>> handOver) {
    await(awaited, timeout);
    return handOver.get().onFailure(e -> answered(awaited.operationId()));
  }

  /** Starts waiting; waiting again for the same id keeps the first deadline. */
  private void await(Awaited awaited, Duration timeout) {
    if (byOperationId.containsKey(awaited.operationId())) {
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
    byOperationId.put(awaited.operationId(), new Entry(awaited, timerId));
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
    vertx.cancelTimer(entry.timerId());
    return Optional.of(entry.awaited());
  }

  /** Forgets everything, e.g. when this replica stops acting. */
  public void clear() {
    byOperationId.values().forEach(entry -> vertx.cancelTimer(entry.timerId()));
    byOperationId.clear();
  }
}
