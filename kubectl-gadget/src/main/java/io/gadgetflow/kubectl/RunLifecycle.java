package io.gadgetflow.kubectl;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ends a gadget run the same way whether it ran out its time or the process is asked to stop
 * (Ctrl-C, SIGTERM, a closed terminal). The thread that runs the gadget does the ending: stop,
 * results, deletion. A stop request interrupts that thread once, unless it is already ending, and
 * then waits for it to finish; only if it does not finish in time does the shutdown hook delete the
 * Traces itself, so the JVM never exits with Traces it created still in place.
 */
final class RunLifecycle {
  private enum Phase {
    RUNNING,
    STOP_REQUESTED,
    ENDING
  }

  private final CountDownLatch ended = new CountDownLatch(1);
  private final Thread runner;
  private Phase phase = Phase.RUNNING;
  private Thread hook;

  /** When the runner last said its ending got further (System.nanoTime). */
  private volatile long progressedNanos = System.nanoTime();

  /**
   * @param runner the thread that runs the gadget and ends the run
   */
  RunLifecycle(Thread runner) {
    this.runner = runner;
  }

  /**
   * Installs the shutdown hook.
   *
   * @param grace how long the hook waits for the runner to end the run, from the stop request or
   *     from the runner's last {@link #progressed()}, whichever is later
   * @param lastResort run by the hook when the runner did not end the run in time
   */
  synchronized void onShutdown(Duration grace, Runnable lastResort) {
    hook =
        Thread.ofPlatform()
            .name("kubectl-gadget-shutdown")
            .unstarted(
                () -> {
                  requestStop();
                  awaitEnd(grace, lastResort);
                });
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * The shutdown hook's wait: until the runner ended the run, or {@code grace} passed since the
   * stop request and since the runner last progressed; then {@code lastResort}. A stop of thousands
   * of Traces on a busy API server takes longer than any fixed grace (docs/scale.md), but while
   * Traces keep stopping the runner's own ending does better than the last resort.
   */
  void awaitEnd(Duration grace, Runnable lastResort) {
    long deadline = System.nanoTime() + grace.toNanos();
    try {
      while (!ended.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        long extended = progressedNanos + grace.toNanos();
        if (extended - System.nanoTime() <= 0) {
          lastResort.run();
          return;
        }
        deadline = extended;
      }
    } catch (InterruptedException e) {
      lastResort.run();
    }
  }

  /** Called by the runner whenever its ending got further, e.g. more Traces stopped. */
  void progressed() {
    progressedNanos = System.nanoTime();
  }

  /** What the shutdown hook does first: interrupts the runner unless it is already ending. */
  synchronized void requestStop() {
    if (phase == Phase.RUNNING) {
      phase = Phase.STOP_REQUESTED;
      runner.interrupt();
    }
  }

  /**
   * Called by the runner before it ends the run; from now on no stop request interrupts it.
   *
   * @return whether a stop was requested (e.g. Ctrl-C) rather than the run ending by itself
   */
  synchronized boolean beginEnding() {
    boolean requested = phase == Phase.STOP_REQUESTED;
    phase = Phase.ENDING;
    // A request may have interrupted the runner after it stopped waiting; that is spent now.
    Thread.interrupted();
    return requested;
  }

  /** Called by the runner once the run has ended: the hook has nothing left to do. */
  synchronized void ended() {
    ended.countDown();
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or about to; it finds the run ended and returns at once.
      }
    }
  }
}
