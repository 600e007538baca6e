package io.gadgetflow.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A role of the launcher's jar ({@code gadgetflow controller}, {@code gadgetflow node}) in a JVM of
 * its own as its container runs it, set up by {@code GADGETFLOW_*} variables, its log in a file: a
 * process a fault can kill with SIGKILL, or stop as Kubernetes stops a pod.
 */
final class RoleProcess implements AutoCloseable {
  /**
   * The launcher, built by the cli module before this one (the faults module runs in its folder).
   */
  static final Path JAR = Path.of("..", "cli", "target", "gadgetflow.jar");

  /** A pod's termination grace period: the manifests' and Kubernetes' default. */
  static final Duration GRACE = Duration.ofSeconds(30);

  private final String identity;
  private final Path log;
  private final Process process;

  private RoleProcess(String identity, Path log, Process process) {
    this.identity = identity;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts a controller replica named {@code identity} in the Lease, with {@code environment}
   * besides its identity and a free monitoring port.
   */
  static RoleProcess controller(String identity, Map<String, String> environment, Path logs)
      throws IOException {
    return start("controller", identity, environment, logs);
  }

  /**
   * Starts {@code gadgetflow ROLE} named {@code identity} (its identity in the Lease, its node's
   * name), with {@code environment} besides that and a free monitoring port.
   */
  static RoleProcess start(String role, String identity, Map<String, String> environment, Path logs)
      throws IOException {
    Path log = logs.resolve(identity + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow",
                    "-jar",
                    JAR.toString(),
                    role))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    builder.environment().put("GADGETFLOW_IDENTITY", identity);
    builder.environment().put("GADGETFLOW_NODE_NAME", identity);
    builder.environment().put("GADGETFLOW_METRICS_PORT", "0");
    return new RoleProcess(identity, log, builder.start());
  }

  String identity() {
    return identity;
  }

  /** What the process logged so far. */
  String log() throws IOException {
    return Files.readString(log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits up to {@code timeout} for the process to end; its exit code, or null if it runs on. */
  Integer awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  /** SIGTERM, as Kubernetes asks a pod's container to stop; returns at once. */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL: the process neither gives its Lease up nor finishes anything it was doing. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Ends the process as Kubernetes stops a pod: SIGTERM, then SIGKILL after the grace period. */
  @Override
  public void close() throws InterruptedException {
    terminate();
    if (awaitExit(GRACE) == null) {
      kill();
    }
  }
}
