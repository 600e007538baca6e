package io.gadgetflow.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * Keeps a command running until the process is asked to stop (Ctrl-C, SIGTERM), then closes what it
 * runs before the JVM exits.
 */
final class RunUntilStopped {
  private RunUntilStopped() {}

  static void block(AutoCloseable running, PrintWriter err) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
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
                        stopped.countDown();
                      }
                    }));
    stopped.await();
  }
}
