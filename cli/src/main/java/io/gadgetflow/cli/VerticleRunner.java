package io.gadgetflow.cli;

import io.gadgetflow.cli.monitoring.Monitoring;
import io.gadgetflow.cli.monitoring.MonitoringConfig;
import io.gadgetflow.cli.monitoring.RoleHealth;
import io.gadgetflow.cli.monitoring.RoleSupervision;
import io.gadgetflow.cli.platform.PlatformException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/** Runs one role's verticle, with its {@code /health} and {@code /metrics}, until asked to stop. */
final class VerticleRunner {
  private static final long TIMEOUT_SECONDS = 60;

  private VerticleRunner() {}

  /**
   * @param role the role's name on {@code /health}
   * @param verticle the role, recording its meters into the registry it is given
   * @param resources closed after the verticle stopped, e.g. its Kubernetes client
   * @param started runs once the verticle is deployed, e.g. to say where to reach it
   */
  static <V extends Deployable> int run(
      String role,
      Function<MeterRegistry, V> verticle,
      AutoCloseable resources,
      PrintWriter err,
      Consumer<V> started)
      throws InterruptedException {
    Monitoring monitoring = new Monitoring(MonitoringConfig.fromEnvironment(System.getenv()));
    monitoring.health().set(role, RoleHealth.State.STARTING);
    Vertx vertx = Vertx.vertx();
    V deployed = verticle.apply(monitoring.registry());
    try {
      await(monitoring.start(vertx));
      await(vertx.deployVerticle(deployed));
    } catch (RuntimeException e) {
      await(vertx.close());
      throw e;
    }
    monitoring.health().set(role, RoleHealth.State.UP);
    RoleSupervision.watch(
        role,
        deployed,
        monitoring.health(),
        line -> {
          err.println(line);
          err.flush();
        },
        RoleSupervision::exitSoon);
    started.accept(deployed);
    RunUntilStopped.block(
        () -> {
          monitoring.health().stopping();
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
