package io.gadgetflow.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A role of the launcher's jar ({@code gadgetflow node}, ...) in a JVM of its own as its container
 * runs it, set up by {@code GADGETFLOW_*} variables, its log in a file: stopped as Kubernetes stops
 * a pod, to see how it ends. ({@link ControllerProcess}, which a fault kills, is started alike.)
 */
final class RoleProcess implements AutoCloseable {
  /** A pod's termination grace period: the manifests' and Kubernetes' default. */
  static final Duration GRACE = Duration.ofSeconds(30);

  private final Path log;
  private final Process process;

  private RoleProcess(Path log, Process process) {
    this.log = log;
    this.process = process;
  }

  /**
   * Starts {@code gadgetflow ROLE} named {@code identity} (its identity in the Lease, its node's
   * name), with {@code environment} besides that and a free monitoring port.
   */
  static RoleProcess start(String role, String identity, Map<String, String> environment, Path logs)
      throws IOException {
    Path log = logs.resolve(identity + ".log");
    return new RoleProcess(log, LauncherJar.launch(role, identity, environment, log));
  }

  /** What the process logged so far. */
  String log() throws IOException {
    return Files.readString(log);
  }

  /** Whether the process logged {@code text} so far. */
  boolean logged(String text) {
    try {
      return log().contains(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  /** Ends the process as Kubernetes stops a pod: SIGTERM, then SIGKILL after the grace period. */
  @Override
  public void close() throws InterruptedException {
    terminate();
    if (awaitExit(GRACE) == null) {
      process.destroyForcibly().waitFor();
    }
  }
}
