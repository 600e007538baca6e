package io.gadgetflow.cli.monitoring;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /health} (JSON, 200 when every role is up, else 503, with the reason of each
 * failed role) and {@code GET /metrics} (Prometheus text format 0.0.4) for every role of this
 * process.
 */
public final class MonitoringVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MonitoringVerticle.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final MonitoringConfig config;
  private final PrometheusMeterRegistry registry;
  private final RoleHealth health;
  private HttpServer server;

  public MonitoringVerticle(
      MonitoringConfig config, PrometheusMeterRegistry registry, RoleHealth health) {
    this.config = config;
    this.registry = registry;
    this.health = health;
  }

  @Override
  public Future<?> start() {
    LOG.info("Monitoring starting with {}", config);
    return vertx
        .createHttpServer()
        .requestHandler(this::handle)
        .listen(config.port(), config.host())
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "/health and /metrics cannot listen on %s:%d (%s); choose another port with GADGETFLOW_METRICS_PORT"
                            .formatted(config.host(), config.port(), e.getMessage()),
                        e)))
        .onSuccess(
            listening -> {
              server = listening;
              LOG.info("Monitoring listening on {}:{}", config.host(), listening.actualPort());
            });
  }

  /** The port the server listens on, once started. */
  public int port() {
    return server.actualPort();
  }

  /** Where {@code /metrics} and {@code /health} are, reachable from this machine. */
  public String url() {
    String host =
        MonitoringConfig.ALL_INTERFACES.equals(config.host()) ? "localhost" : config.host();
    return "http://" + host + ":" + port();
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      request.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET, HEAD").end();
      return;
    }
    switch (request.path()) {
      case "/metrics" ->
          // Scraping reads every meter; gauges over running gadgets take locks, so off the loop.
          vertx
              .executeBlocking(registry::scrape)
              .onSuccess(
                  text ->
                      request
                          .response()
                          .putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT)
                          .end(text))
              .onFailure(e -> request.response().setStatusCode(500).end(e.toString()));
      case "/health" -> {
        JsonObject roles = new JsonObject();
        health.roles().forEach((role, state) -> roles.put(role, state.name()));
        boolean up = health.isUp();
        JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN").put("roles", roles);
        if (!health.reasons().isEmpty()) {
          JsonObject reasons = new JsonObject();
          health.reasons().forEach(reasons::put);
          body.put("reasons", reasons);
        }
        request
            .response()
            .setStatusCode(up ? 200 : 503)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(body.encode());
      }
      default -> request.response().setStatusCode(404).end();
    }
  }
}
