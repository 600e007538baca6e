package io.gadgetflow.cli.monitoring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * One process's meters and health, and the server that shows them: the roles record into {@link
 * #registry()} and report their state to {@link #health()}.
 */
public final class Monitoring {
  private final MonitoringConfig config;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RoleHealth health = new RoleHealth();
  private MonitoringVerticle server;

  public Monitoring(MonitoringConfig config) {
    this.config = config;
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public RoleHealth health() {
    return health;
  }

  /** Starts serving; {@code /health} says DOWN until a role is up. */
  public Future<?> start(Vertx vertx) {
    server = new MonitoringVerticle(config, registry, health);
    return vertx.deployVerticle(server);
  }

  /** Where {@code /health} and {@code /metrics} are, once started. */
  public String url() {
    return server.url();
  }
}
