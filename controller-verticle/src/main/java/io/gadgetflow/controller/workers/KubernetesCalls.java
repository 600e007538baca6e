package io.gadgetflow.controller.workers;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the controller's blocking fabric8 calls on its Kubernetes workers, each within a deadline.
 *
 * <p>fabric8 waits for a response without a bound of its own: its request timeout is applied by the
 * HTTP client, and a response that client never completes leaves the calling thread parked for good
 * (fabric8io/kubernetes-client#7299). One such call left a Trace's take hanging in an e2e run, with
 * nothing logged and no operation timeout started. A call still running at its deadline is
 * interrupted, which ends fabric8's wait, and fails; whoever made it retries as after any failed
 * call. Every write the controller makes is guarded (a JSON patch {@code test} or a
 * resourceVersion), so one that lands after its caller gave up cannot undo a later one.
 */
public final class KubernetesCalls {
  /**
   * Longer than fabric8's 10 s request timeout, so that a slow API server is not cut short; short
   * enough that `kubectl gadget`, which waits 20 s for a start's answer, still sees it after one
   * retry.
   */
  public static final Duration DEADLINE = Duration.ofSeconds(15);

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesCalls.class);

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final Duration deadline;

  public KubernetesCalls(Vertx vertx, WorkerExecutor workers, Duration deadline) {
    this.vertx = vertx;
    this.workers = workers;
    this.deadline = deadline;
  }

  /**
   * Runs {@code call} on a worker, in parallel with other calls; the deadline counts from when it
   * starts running, not from when it was queued.
   *
   * @param what names the call in the error and log when the deadline passes
   */
  public <T> Future<T> run(String what, Callable<T> call) {
    return workers.executeBlocking(() -> new RunningCall<>(what, call).run(), false);
  }

  /** One call on its worker thread, which the deadline's timer may interrupt. */
  private final class RunningCall<T> {
    private final String what;
    private final Callable<T> call;
    private Thread thread;
    private boolean interrupted;

    RunningCall(String what, Callable<T> call) {
      this.what = what;
      this.call = call;
    }

    T run() throws Exception {
      synchronized (this) {
        thread = Thread.currentThread();
      }
      long timer = vertx.setTimer(deadline.toMillis(), id -> interrupt());
      try {
        return call.call();
      } catch (Exception e) {
        if (wasInterrupted()) {
          TimeoutException timeout =
              new TimeoutException(what + " did not return within " + describe(deadline));
          timeout.initCause(e);
          throw timeout;
        }
        throw e;
      } finally {
        vertx.cancelTimer(timer);
        synchronized (this) {
          thread = null;
        }
        // fabric8 sets the interrupt status again when it gives up: Vert.x completing this call,
        // and whatever the thread runs next, must not see it.
        Thread.interrupted();
      }
    }

    private synchronized void interrupt() {
      if (thread != null) {
        LOG.warn("{} did not return within {}: interrupting it", what, describe(deadline));
        interrupted = true;
        thread.interrupt();
      }
    }

    private synchronized boolean wasInterrupted() {
      return interrupted;
    }
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }
}
