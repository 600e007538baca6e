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
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/** Runs one role's verticle, with its {@code /health} and {@code /metrics}, until asked to stop. */
final class VerticleRunner {
  /**
   * How long a role may take to start: as long as the manifests' startup probes give it (5
   * minutes), since a JVM on a saturated node has taken over a minute to load the classes of its
   * Kafka consumer alone; a role that started sooner is not held up.
   */
  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

  /**
   * How long a role may take to stop: within the pods' termination grace period (30 s, the
   * manifests' and Kubernetes' default), so that a stop that hangs still ends with the process's
   * own word (exit 1, what it waited for on stderr) rather than a SIGKILL. Each role bounds its own
   * stop well within it (the node agent's takes at most some 17 s with Kafka away, see {@code
   * NodeVerticle.stop}).
   */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(25);

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
      await(monitoring.start(vertx), "starting /health and /metrics", START_TIMEOUT);
      await(vertx.deployVerticle(deployed), "starting the " + role, START_TIMEOUT);
    } catch (RuntimeException e) {
      await(vertx.close(), "stopping", STOP_TIMEOUT);
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
    return RunUntilStopped.block(
        () -> {
          monitoring.health().stopping();
          try {
            await(vertx.close(), "stopping the " + role, STOP_TIMEOUT);
          } finally {
            resources.close();
          }
        },
        err);
  }

  /**
   * @param step what the future does, for the message when it fails or takes longer than {@code
   *     timeout}
   */
  private static <T> T await(Future<T> future, String step, Duration timeout) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new PlatformException(
          "%s took longer than %d s; gave up".formatted(step, timeout.toSeconds()), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new PlatformException(
          "%s failed: %s".formatted(step, cause.getMessage() == null ? cause : cause.getMessage()),
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PlatformException(step + " was interrupted", e);
    }
  }
}
