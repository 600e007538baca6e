package io.gadgetflow.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a command running until the process is asked to stop (SIGTERM from Kubernetes or a
 * supervisor, Ctrl-C's SIGINT), then closes what it runs and exits 0, or 1 when the close failed or
 * took longer than the role allows it. An orderly stop is no failure: a DaemonSet or Deployment
 * counts a non-zero exit as one, and the JVM's own handling of these signals (run the shutdown
 * hooks, then exit 128 + the signal: 143, 130) gave every rollout's pod a failed end. So the
 * signals are handled here ({@link StopSignals}). An exit the process chose (a part that died exits
 * 70, {@code RoleSupervision}) runs the shutdown hook below, which closes what runs and leaves the
 * code as it was.
 */
final class RunUntilStopped {
  private final AutoCloseable running;
  private final PrintWriter err;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Exception failure;

  private RunUntilStopped(AutoCloseable running, PrintWriter err) {
    this.running = running;
    this.err = err;
  }

  /** Runs until asked to stop; returns the command's exit code. */
  static int block(AutoCloseable running, PrintWriter err) throws InterruptedException {
    return onStop(running, err).await();
  }

  /**
   * Closes {@code running} when the process is asked to stop, from now on: also while it is still
   * starting.
   */
  static RunUntilStopped onStop(AutoCloseable running, PrintWriter err) {
    RunUntilStopped waiter = new RunUntilStopped(running, err);
    // The stop runs on a thread of its own, not the command's: that may still be starting.
    StopSignals.onEach(
        () -> Thread.ofPlatform().name("gadgetflow-stop").start(waiter::stopAndExit));
    Runtime.getRuntime()
        .addShutdownHook(Thread.ofPlatform().name("gadgetflow-shutdown").unstarted(waiter::close));
    return waiter;
  }

  /**
   * Returns once what runs was closed, with the command's exit code: 0, or 1 when the close failed
   * (it said why on stderr).
   */
  int await() throws InterruptedException {
    closed.await();
    return exitCode();
  }

  private void stopAndExit() {
    close();
    System.exit(exitCode());
  }

  private int exitCode() {
    return failure == null ? 0 : 1;
  }

  /** Closes what runs once, whoever asks first; a second caller waits for the first's close. */
  private void close() {
    if (!closing.compareAndSet(false, true)) {
      awaitClosed();
      return;
    }
    err.println("gadgetflow: stopping ...");
    err.flush();
    try {
      running.close();
    } catch (Exception e) {
      failure = e;
      err.println("gadgetflow: while stopping: " + e.getMessage());
      err.flush();
    } finally {
      closed.countDown();
    }
  }

  private void awaitClosed() {
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
