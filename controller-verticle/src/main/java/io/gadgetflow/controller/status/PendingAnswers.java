package io.gadgetflow.controller.status;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations handed to a node and not yet answered, each with a deadline. Used only from the
 * controller's event loop, so it needs no locking.
 *
 * <p>A deadline's verdict, that the node did not answer, waits until the controller has read every
 * answer the nodes had written when it passed ({@link AnswersRead}): under load the controller
 * reads the status topic seconds behind its writers, and 104 of 489 nodes shown as silent at 500
 * nodes had answered before their verdict (docs/scale.md, run G). An answer read meanwhile wins.
 * The wait is bounded by the timeout once more: a controller that cannot read the status topic (a
 * broker away) still shows the Trace why it waits.
 */
public final class PendingAnswers {
  private static final Logger LOG = LoggerFactory.getLogger(PendingAnswers.class);

  /** The controller's reading of the nodes' answers. */
  @FunctionalInterface
  public interface AnswersRead {
    /**
     * Completes once every answer the nodes had written when this was asked has been read and
     * handed to the controller's handler, its node's signature checked; fails when that cannot be
     * learned.
     */
    Future<Void> throughNow();
  }

  /** An operation waiting for its node's answer. */
  public record Awaited(String operationId, String traceKey, String node, String operation) {}

  /** What the controller does when an operation's deadline passes unanswered. */
  @FunctionalInterface
  public interface Deadline {
    /**
     * @param takenByKafka whether Kafka acknowledged the hand-over: when it did not (Kafka away),
     *     the node has not received the operation, and its silence says nothing of it
     */
    void passed(Awaited awaited, boolean takenByKafka);
  }

  /**
   * @param timerId the deadline's timer
   * @param acknowledged whether Kafka acknowledged the hand-over (the deadline then runs from it)
   */
  private record Entry(Awaited awaited, long timerId, boolean acknowledged) {}

  private final Vertx vertx;
  private final AnswersRead answersRead;
  private final Deadline onDeadline;
  private final Map<String, Entry> byOperationId = new HashMap<>();

  public PendingAnswers(Vertx vertx, AnswersRead answersRead, Deadline onDeadline) {
    this.vertx = vertx;
    this.answersRead = answersRead;
    this.onDeadline = onDeadline;
  }

  /**
   * Waits for the answer to an operation from before it is handed over, so that an answer which
   * comes back before the hand-over's own acknowledgement still counts: under load the node was
   * seen to receive an operation before the controller learned that Kafka had it, and an answer
   * that found nothing waiting was dropped, leaving the operation to time out. The deadline runs
   * from the acknowledgement when Kafka gives it within {@code timeout}: the time the controller's
   * own send took (seconds at 500 nodes, docs/scale.md) is not the node's, and counted, it showed
   * nodes that answered as silent. A hand-over still unacknowledged after {@code timeout} (Kafka
   * away) meets its deadline then, so that the Trace shows it, saying that Kafka did not take it
   * rather than that the node did not answer. A failed hand-over is no longer awaited.
   *
   * @param handOver publishes the operation; called once, after the waiting started
   */
  public Future<Void> handOver(Awaited awaited, Duration timeout, Supplier<Future<Void>> handOver) {
    if (!byOperationId.containsKey(awaited.operationId())) {
      byOperationId.put(
          awaited.operationId(), new Entry(awaited, deadline(awaited, timeout, false), false));
    }
    return handOver
        .get()
        .onSuccess(v -> acknowledged(awaited, timeout))
        .onFailure(e -> answered(awaited.operationId()));
  }

  /** Kafka has the operation: its deadline starts again, once. */
  private void acknowledged(Awaited awaited, Duration timeout) {
    Entry entry = byOperationId.get(awaited.operationId());
    if (entry == null || entry.acknowledged()) {
      return;
    }
    vertx.cancelTimer(entry.timerId());
    byOperationId.put(
        awaited.operationId(), new Entry(entry.awaited(), deadline(awaited, timeout, true), true));
  }

  private long deadline(Awaited awaited, Duration timeout, boolean takenByKafka) {
    return vertx.setTimer(
        Math.max(1, timeout.toMillis()),
        id -> {
          Entry entry = byOperationId.get(awaited.operationId());
          if (entry == null || entry.timerId() != id) {
            return;
          }
          if (!takenByKafka) {
            // The node never had the operation: no answer of it can be on the status topic.
            verdict(entry);
            return;
          }
          verdictOnceAnswersRead(entry, timeout);
        });
  }

  /**
   * The verdict once the answers written up to now are read, unless one of them answered {@code
   * entry} (it is then no longer awaited); after {@code bound} without having read them, the
   * verdict all the same.
   */
  private void verdictOnceAnswersRead(Entry entry, Duration bound) {
    Promise<Boolean> read = Promise.promise();
    long boundTimer = vertx.setTimer(Math.max(1, bound.toMillis()), id -> read.tryComplete(false));
    Context context = vertx.getOrCreateContext();
    answersRead
        .throughNow()
        .onComplete(
            throughNow ->
                context.runOnContext(
                    v -> {
                      if (throughNow.failed()) {
                        LOG.warn(
                            "The answers to {} could not be read through its deadline: {}",
                            entry.awaited().operationId(),
                            throughNow.cause().toString());
                      }
                      read.tryComplete(throughNow.succeeded());
                    }));
    read.future()
        .onSuccess(
            throughDeadline -> {
              vertx.cancelTimer(boundTimer);
              if (!throughDeadline) {
                LOG.warn(
                    "Operation {}'s verdict is given without the answers read through its"
                        + " deadline, after {} ms more",
                    entry.awaited().operationId(),
                    bound.toMillis());
              }
              verdict(entry);
            });
  }

  /** The node did not answer {@code entry}, unless it was answered or forgotten meanwhile. */
  private void verdict(Entry entry) {
    String operationId = entry.awaited().operationId();
    if (byOperationId.get(operationId) == entry) {
      byOperationId.remove(operationId);
      onDeadline.passed(entry.awaited(), entry.acknowledged());
    }
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
