package io.gadgetflow.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * Keeps a command running until the process is asked to stop (Ctrl-C, SIGTERM), then closes what it
 * runs before the JVM exits.
 */
final class RunUntilStopped {
  private final CountDownLatch stopped = new CountDownLatch(1);

  private RunUntilStopped() {}

  static void block(AutoCloseable running, PrintWriter err) throws InterruptedException {
    onStop(running, err).await();
  }

  /**
   * Closes {@code running} when the process is asked to stop, from now on: also while it is still
   * starting.
   */
  static RunUntilStopped onStop(AutoCloseable running, PrintWriter err) {
    RunUntilStopped waiter = new RunUntilStopped();
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("gadgetflow-shutdown")
                .unstarted(
                    () -> {
                      err.println("gadgetflow: stopping ...");
                      err.flush();
                      try {
                        running.close();
                      } catch (Exception e) {
                        err.println("gadgetflow: while stopping: " + e.getMessage());
                      } finally {
                        waiter.stopped.countDown();
                      }
                    }));
    return waiter;
  }

  /** Returns once what runs was closed. */
  void await() throws InterruptedException {
    stopped.await();
  }
}
