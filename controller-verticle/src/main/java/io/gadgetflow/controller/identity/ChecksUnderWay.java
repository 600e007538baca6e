package io.gadgetflow.controller.identity;

import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reports read whose signature check has not ended yet: a node's first report waits for its key to
 * be read from disk on a worker thread ({@link TrustedNodeKeys}), while the reports after it are
 * read on. Whoever needs every report read so far to have been checked (the verdict that a node did
 * not answer) waits for {@link #ended}.
 */
public final class ChecksUnderWay {
  private final Set<Future<?>> underWay = ConcurrentHashMap.newKeySet();

  /** {@code check}, kept until it ends. */
  public <T> Future<T> track(Future<T> check) {
    if (!check.isComplete()) {
      underWay.add(check);
      check.onComplete(ended -> underWay.remove(check));
    }
    return check;
  }

  /**
   * Completes once every check under way now has ended, after what each check's own handlers
   * registered before this call did with its result.
   */
  public Future<Void> ended() {
    List<Future<?>> now = List.copyOf(underWay);
    return now.isEmpty() ? Future.succeededFuture() : Future.join(now).mapEmpty();
  }
}
