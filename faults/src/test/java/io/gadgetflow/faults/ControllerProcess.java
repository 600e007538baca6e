package io.gadgetflow.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code gadgetflow controller} from the launcher's jar, in a JVM of its own as its container runs
 * it, set up by {@code GADGETFLOW_*} variables, its log in a file: a controller replica a fault can
 * kill with SIGKILL.
 */
final class ControllerProcess implements AutoCloseable {
  /**
   * The launcher, built by the cli module before this one (the faults module runs in its folder).
   */
  static final Path JAR = Path.of("..", "cli", "target", "gadgetflow.jar");

  private final String identity;
  private final Path log;
  private final Process process;

  private ControllerProcess(String identity, Path log, Process process) {
    this.identity = identity;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts a replica named {@code identity} in the Lease, with {@code environment} besides its
   * identity and a free monitoring port.
   */
  static ControllerProcess start(String identity, Map<String, String> environment, Path logs)
      throws IOException {
    Path log = logs.resolve(identity + ".log");
    return new ControllerProcess(
        identity, log, RoleProcess.launch("controller", identity, environment, log));
  }

  String identity() {
    return identity;
  }

  /** What the replica logged so far. */
  String log() throws IOException {
    return Files.readString(log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the replica neither gives its Lease up nor finishes anything it was doing. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Ends the replica as Kubernetes stops a pod: SIGTERM, then SIGKILL if it does not stop. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
