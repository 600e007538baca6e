package io.gadgetflow.e2e;

import io.gadgetflow.testing.CtrlC;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One run of the {@code kubectl-gadget} launcher, as a user's terminal would run it: its output
 * lines as they come, and Ctrl-C (SIGINT) to end a streaming run.
 */
final class KubectlGadget implements AutoCloseable {
  private final List<String> command;
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final StringBuffer stderr = new StringBuffer();

  private KubectlGadget(List<String> command, Process process) {
    this.command = command;
    this.process = process;
  }

  static KubectlGadget start(List<String> command, Map<String, String> environment) {
    Process process;
    try {
      ProcessBuilder builder = new ProcessBuilder(CtrlC.interruptible(command));
      builder.environment().putAll(environment);
      process = builder.start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + command, e);
    }
    KubectlGadget run = new KubectlGadget(command, process);
    Thread.ofVirtual().start(run::readStdout);
    Thread.ofVirtual().start(run::readStderr);
    return run;
  }

  private void readStdout() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // The process ended.
    }
  }

  private void readStderr() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      reader.lines().forEach(line -> stderr.append(line).append('\n'));
    } catch (IOException e) {
      // The process ended.
    }
  }

  /** Every line printed so far. */
  List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /**
   * The first line printed (so far or within {@code timeout}) that {@code wanted} accepts.
   *
   * @throws AssertionError naming the command, its output and errors when none comes in time
   */
  String awaitLine(Predicate<String> wanted, Duration timeout, String what) {
    return findLine(wanted, timeout)
        .orElseThrow(
            () ->
                new AssertionError(
                    "kubectl-gadget printed no line with "
                        + what
                        + (running()
                            ? " within " + timeout
                            : " before it exited with " + process.exitValue())
                        + " ("
                        + String.join(" ", command)
                        + ")\nstdout:\n"
                        + String.join("\n", lines())
                        + "\nstderr:\n"
                        + stderr));
  }

  Optional<String> findLine(Predicate<String> wanted, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    synchronized (lines) {
      int seen = 0;
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (wanted.test(lines.get(seen))) {
            return Optional.of(lines.get(seen));
          }
        }
        long left = Duration.between(Instant.now(), deadline).toMillis();
        if (left <= 0 || (!process.isAlive() && seen == lines.size())) {
          return Optional.empty();
        }
        try {
          lines.wait(Math.min(left, 500));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
    }
  }

  boolean running() {
    return process.isAlive();
  }

  String stderr() {
    return stderr.toString();
  }

  /** Ctrl-C: the plugin stops its gadgets and deletes its Traces, then exits with 130. */
  void interrupt() {
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * @return the exit code
   * @throws AssertionError when the run does not end within {@code timeout}
   */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            String.join(" ", command) + " did not end within " + timeout + "; stderr:\n" + stderr);
      }
      // The readers finish with the streams, a moment after the process.
      Thread.sleep(100);
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted", e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      interrupt();
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
