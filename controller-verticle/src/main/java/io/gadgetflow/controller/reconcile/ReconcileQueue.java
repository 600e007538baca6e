package io.gadgetflow.controller.reconcile;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reconciles so that one Trace is never reconciled twice at once, while different Traces
 * proceed in parallel. A change that arrives during a reconcile runs it once more afterwards, at
 * once even when the reconcile failed (it most likely failed because of that change); otherwise a
 * failed reconcile is retried with a growing delay. Used only from one event loop.
 */
public final class ReconcileQueue {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileQueue.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(100);
  private static final Duration LAST_RETRY = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final Function<String, Future<Void>> reconcile;
  private final Set<String> running = new HashSet<>();
  private final Set<String> dirty = new HashSet<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private boolean stopped;

  public ReconcileQueue(Vertx vertx, Function<String, Future<Void>> reconcile) {
    this.vertx = vertx;
    this.reconcile = reconcile;
  }

  public void enqueue(String key) {
    if (stopped) {
      return;
    }
    if (!running.add(key)) {
      dirty.add(key);
      return;
    }
    Future<Void> result;
    try {
      result = reconcile.apply(key);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(
        outcome -> {
          running.remove(key);
          if (outcome.succeeded()) {
            failures.remove(key);
            if (dirty.remove(key)) {
              enqueue(key);
            }
          } else if (dirty.remove(key) && !failures.containsKey(key)) {
            // The Trace changed while this pass ran, the likely reason its guarded patch failed:
            // the new version is reconciled at once, and only a second failure waits.
            failures.put(key, 0);
            LOG.debug("Trace {}: changed during a failed reconcile, reconciling again", key);
            enqueue(key);
          } else {
            retryLater(key, outcome.cause());
          }
        });
  }

  /** Drops everything queued; used when this replica stops acting. */
  public void stop() {
    stopped = true;
    dirty.clear();
  }

  private void retryLater(String key, Throwable cause) {
    dirty.remove(key);
    int attempt = failures.merge(key, 1, Integer::sum);
    long delay =
        Math.min(LAST_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(attempt - 1, 16));
    LOG.warn(
        "Trace {}: reconcile failed (attempt {}), retrying in {} ms: {}",
        key,
        attempt,
        delay,
        cause.toString());
    vertx.setTimer(delay, id -> enqueue(key));
  }
}
