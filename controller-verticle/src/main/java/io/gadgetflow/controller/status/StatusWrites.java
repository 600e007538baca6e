package io.gadgetflow.controller.status;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.controller.kube.TraceRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets each status write into its Trace, whatever happens meanwhile, so that no answer (a final
 * {@code Stopped} above all) is lost. A Trace's writes go one after another, in the order asked.
 * Each is written only over the version of the Trace it was computed from; when somebody changed
 * the Trace since (the watch cache lags behind the controller's own writes), the Trace is read
 * again and the write's changes are moved onto what it has now ({@link TraceStatuses#rebase}). When
 * the API server cannot be reached or is overloaded, the write is tried again, waiting longer each
 * time, until it lands, the Trace is gone, or {@link #stop()}. A write the API server refuses for
 * good (the status is invalid) fails. Used from the acting replica's event loop only.
 */
public final class StatusWrites {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWrites.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(200);
  private static final Duration LONGEST_RETRY = Duration.ofSeconds(10);
  private static final Duration LANDED_KEPT = Duration.ofSeconds(10);

  private final BiFunction<Trace, TraceStatus, Future<Trace>> replaceStatus;
  private final Function<Trace, Future<Trace>> read;
  private final Vertx vertx;

  /** By Trace uid: the last write asked for, which the next one waits for. */
  private final Map<String, Future<Trace>> queued = new HashMap<>();

  /** A write that landed: the version it was written over, and the Trace it made. */
  private record Landed(String over, Trace written) {}

  /**
   * By Trace uid: the last write that landed. The watch cache shows the controller its own write a
   * moment later; a write computed from the version it replaced goes over what it made at once
   * instead of meeting a conflict and reading the Trace again.
   */
  private final Map<String, Landed> landed = new HashMap<>();

  private boolean stopped;

  /**
   * @param replaceStatus writes a status only over the Trace's version it is given, failing with
   *     409 Conflict otherwise, e.g. {@link TraceRepository#replaceStatus}
   * @param read the Trace as the API server has it now, or null when gone, e.g. {@link
   *     TraceRepository#read}
   */
  public StatusWrites(
      BiFunction<Trace, TraceStatus, Future<Trace>> replaceStatus,
      Function<Trace, Future<Trace>> read,
      Vertx vertx) {
    this.replaceStatus = replaceStatus;
    this.read = read;
    this.vertx = vertx;
  }

  /**
   * Writes {@code next}, computed from {@code trace}'s status, once the Trace's earlier writes are
   * done. Completes with the Trace as written once it landed, or with null when the Trace is gone;
   * fails only when the API server refuses it for good or the writes were stopped.
   */
  public Future<Trace> write(Trace trace, TraceStatus next) {
    String uid = trace.getMetadata().getUid();
    Future<Trace> written =
        queued
            .getOrDefault(uid, Future.succeededFuture())
            .transform(before -> attempt(latest(trace), trace.getStatus(), next, FIRST_RETRY));
    queued.put(uid, written);
    written.onComplete(
        done -> {
          if (queued.get(uid) == written) {
            queued.remove(uid);
          }
        });
    return written;
  }

  /**
   * Another write of this replica (taking an operation off the Trace) made {@code written} of
   * {@code over}'s version: a status write computed from {@code over} goes over {@code written} at
   * once. A node answers a stop a few hundred ms after the controller took it, often before the
   * watch shows the take; without this the answer met a conflict and read the Trace again, three
   * requests instead of one where the API server was slowest (docs/scale.md).
   */
  public void wroteOver(Trace over, Trace written) {
    if (written != null && over.getMetadata().getResourceVersion() != null) {
      remember(
          over.getMetadata().getUid(),
          new Landed(over.getMetadata().getResourceVersion(), written));
    }
  }

  /** {@code trace}, or what this replica's last write made of its version. */
  private Trace latest(Trace trace) {
    Landed last = landed.get(trace.getMetadata().getUid());
    return last != null && last.over().equals(trace.getMetadata().getResourceVersion())
        ? last.written()
        : trace;
  }

  /**
   * Kept until the watch cache has surely caught up: a Trace's status may be half a megabyte, and
   * thousands of Traces may have been written once.
   */
  private void remember(String uid, Landed write) {
    landed.put(uid, write);
    vertx.setTimer(
        LANDED_KEPT.toMillis(),
        id -> {
          if (landed.get(uid) == write) {
            landed.remove(uid);
          }
        });
  }

  /** Gives up what waits to be tried again: the next acting replica writes its own. */
  public void stop() {
    stopped = true;
  }

  /**
   * @param over the version to write over
   * @param base the status {@code next} was computed from
   */
  private Future<Trace> attempt(Trace over, TraceStatus base, TraceStatus next, Duration wait) {
    if (stopped) {
      return Future.failedFuture("status writes stopped: this replica no longer acts");
    }
    TraceStatus rebased = TraceStatuses.rebase(base, next, over.getStatus());
    if (rebased.equals(over.getStatus())) {
      return Future.succeededFuture(over);
    }
    return replaceStatus
        .apply(over, rebased)
        .onSuccess(written -> wroteOver(over, written))
        .recover(
            failure -> {
              if (TraceRepository.isConflict(failure)) {
                return read.apply(over)
                    .transform(
                        fresh -> {
                          if (fresh.succeeded() && fresh.result() == null) {
                            return Future.succeededFuture(); // gone: nothing to write to
                          }
                          return fresh.succeeded()
                              ? attempt(fresh.result(), base, next, FIRST_RETRY)
                              : later(over, base, next, wait, fresh.cause());
                        });
              }
              if (isNotFound(failure)) {
                return Future.succeededFuture();
              }
              if (isLasting(failure)) {
                return Future.failedFuture(failure);
              }
              return later(over, base, next, wait, failure);
            });
  }

  private Future<Trace> later(
      Trace over, TraceStatus base, TraceStatus next, Duration wait, Throwable failure) {
    LOG.warn(
        "{}",
        TraceLog.about("status-write-retried", over)
            .field("inMillis", wait.toMillis())
            .field("error", failure.toString()));
    Promise<Trace> retried = Promise.promise();
    Duration doubled = wait.multipliedBy(2);
    Duration longer = doubled.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : doubled;
    vertx.setTimer(wait.toMillis(), id -> attempt(over, base, next, longer).onComplete(retried));
    return retried.future();
  }

  private static boolean isNotFound(Throwable failure) {
    return failure instanceof KubernetesClientException e && e.getCode() == 404;
  }

  /**
   * Refused for a reason trying again does not change: the request itself is wrong (4xx other than
   * a conflict, a timeout or too many requests).
   */
  private static boolean isLasting(Throwable failure) {
    if (!(failure instanceof KubernetesClientException e)) {
      return false;
    }
    int code = e.getCode();
    return code >= 400 && code < 500 && code != 408 && code != 409 && code != 429;
  }
}
