package io.gadgetflow.api.kube;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds a blocking fabric8 call by a deadline, for the roles that run such calls on worker threads
 * (the controller, the web UI).
 *
 * <p>fabric8 waits for a response without a bound of its own: its request timeout is applied by the
 * HTTP client, and a response that client never completes leaves the calling thread parked for good
 * (fabric8io/kubernetes-client#7299). One such call left a Trace's take hanging in an e2e run, with
 * nothing logged and no operation timeout started. A call still running at its deadline is
 * interrupted, which ends fabric8's wait, and fails with a {@link TimeoutException}; whoever made
 * it handles that as any other failed call.
 */
public final class CallDeadline {
  /**
   * Longer than fabric8's 10 s request timeout, so that a slow API server is not cut short; short
   * enough that `kubectl gadget`, which waits 20 s for a start's answer, still sees it after one
   * retry of a controller's call.
   */
  public static final Duration KUBERNETES = Duration.ofSeconds(15);

  private static final Logger LOG = LoggerFactory.getLogger(CallDeadline.class);

  /** One daemon thread for every deadline of the process: it only interrupts. */
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final Duration deadline;

  public CallDeadline(Duration deadline) {
    this.deadline = deadline;
  }

  /**
   * {@code call}, bounded: run the result on the thread that should make the call. The deadline
   * counts from when it starts running, not from when it was queued.
   *
   * @param what names the call in the error and log when the deadline passes
   */
  public <T> Callable<T> bounded(String what, Callable<T> call) {
    return () -> new RunningCall<>(what, call).run();
  }

  /** One call on its thread, which the deadline's timer may interrupt. */
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
      ScheduledFuture<?> timer =
          TIMER.schedule(this::interrupt, deadline.toNanos(), TimeUnit.NANOSECONDS);
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
        timer.cancel(false);
        synchronized (this) {
          thread = null;
        }
        // fabric8 sets the interrupt status again when it gives up: whoever completes this call,
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

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            runnable ->
                Thread.ofPlatform().name("gadgetflow-call-deadlines").daemon().unstarted(runnable));
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }
}
