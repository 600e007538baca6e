package io.gadgetflow.cli.monitoring;

import io.gadgetflow.api.config.Settings;
import java.util.Map;

/**
 * Where a process serves {@code /health} and {@code /metrics}: one server per process, for every
 * role it runs.
 *
 * @param host the address the server binds
 * @param port its port; 0 picks a free one
 */
public record MonitoringConfig(String host, int port) {
  public static final String ALL_INTERFACES = "0.0.0.0";
  public static final String LOOPBACK = "127.0.0.1";

  /** Beside the web UI's 8080, the port management endpoints usually get. */
  public static final int DEFAULT_PORT = 8081;

  /** Reads {@code GADGETFLOW_METRICS_HOST} and {@code GADGETFLOW_METRICS_PORT}. */
  public static MonitoringConfig fromEnvironment(Map<String, String> env) {
    Settings settings = new Settings(env);
    return new MonitoringConfig(
        settings.string("METRICS_HOST", ALL_INTERFACES),
        settings.integer("METRICS_PORT", DEFAULT_PORT));
  }

  /** As {@code gadgetflow up} runs it: reachable from this machine only. */
  public MonitoringConfig forLocalPlatform() {
    return new MonitoringConfig(ALL_INTERFACES.equals(host) ? LOOPBACK : host, port);
  }
}
