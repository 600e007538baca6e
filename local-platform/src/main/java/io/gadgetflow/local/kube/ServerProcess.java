package io.gadgetflow.local.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One program of the control plane (or of the local cluster's node) running as a child process, its
 * output going to a log file. Stopping asks first (SIGTERM, on which etcd, kube-apiserver,
 * containerd and the kubelet shut down cleanly) and kills only what is still running when the
 * timeout ends.
 */
public final class ServerProcess {
  /** Enough of a log to show why a program exited, short enough for an exception message. */
  private static final int LOG_LINES_IN_ERRORS = 15;

  /** SIGKILL cannot be ignored; this long only a process stuck in the kernel takes. */
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

  private final String name;
  private final Process process;
  private final Path logFile;

  private ServerProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /** Starts {@code command}, writing its standard output and error to {@code logFile}. */
  public static ServerProcess start(String name, List<String> command, Path logFile) {
    try {
      Files.createDirectories(logFile.getParent());
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile())
              // Neither program reads its input; no pipe to it stays open in this JVM.
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      return new ServerProcess(name, process, logFile);
    } catch (IOException e) {
      throw new ControlPlaneStartException("Cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * @throws ControlPlaneStartException with the end of the program's log when it has exited
   */
  public void requireRunning() {
    if (!process.isAlive()) {
      throw new ControlPlaneStartException(
          name
              + " exited with code "
              + process.exitValue()
              + "; the end of "
              + logFile
              + ":\n"
              + logTail());
    }
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /**
   * Asks the program and whatever it started to stop, kills what still runs after {@code
   * gracePeriod}, and returns once all of them are gone.
   */
  public void stop(Duration gracePeriod) {
    List<ProcessHandle> descendants = process.descendants().toList();
    stop(process.toHandle(), gracePeriod);
    descendants.forEach(descendant -> stop(descendant, gracePeriod));
  }

  /** Kills the program and whatever it started at once, for when a clean stop cannot work. */
  public void kill() {
    stop(Duration.ZERO);
  }

  static void stop(ProcessHandle handle, Duration gracePeriod) {
    if (gracePeriod.isPositive()) {
      handle.destroy();
      if (awaitExit(handle, gracePeriod)) {
        return;
      }
    }
    handle.destroyForcibly();
    if (!awaitExit(handle, KILL_TIMEOUT)) {
      throw new IllegalStateException(
          "Process " + handle.pid() + " is still running " + KILL_TIMEOUT + " after SIGKILL");
    }
  }

  private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
    try {
      handle.onExit().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("Waiting for process " + handle.pid() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !handle.isAlive();
    }
  }

  private String logTail() {
    try {
      // Lenient decoding: a log cut mid-character must still be shown.
      List<String> lines =
          new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_ERRORS), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + logFile, e);
    }
  }
}
