package io.gadgetflow.cli;

import io.gadgetflow.cli.platform.PlatformException;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/** Runs one role's verticle until the process is asked to stop. */
final class VerticleRunner {
  private static final long TIMEOUT_SECONDS = 60;

  private VerticleRunner() {}

  /**
   * @param resources closed after the verticle stopped, e.g. its Kubernetes client
   */
  static int run(Deployable verticle, AutoCloseable resources, PrintWriter err)
      throws InterruptedException {
    return run(verticle, resources, err, () -> {});
  }

  /**
   * @param started runs once the verticle is deployed, e.g. to say where to reach it
   */
  static int run(Deployable verticle, AutoCloseable resources, PrintWriter err, Runnable started)
      throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    try {
      await(vertx.deployVerticle(verticle));
    } catch (RuntimeException e) {
      await(vertx.close());
      throw e;
    }
    started.run();
    RunUntilStopped.block(
        () -> {
          try {
            await(vertx.close());
          } finally {
            resources.close();
          }
        },
        err);
    return 0;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new PlatformException(e.getMessage(), e);
    }
  }
}
