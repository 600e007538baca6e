package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.CtrlC;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code kubectl gadget ...} run as a user runs it: the real kubectl finds the built launcher
 * {@code kubectl-gadget} on the PATH. Standard output arrives line by line while it runs.
 */
final class PluginProcess {
  /** The build puts the launcher here, beside the jar and lib/ it runs. */
  static final Path LAUNCHER_DIRECTORY = Path.of("target").toAbsolutePath();

  private final Process process;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final StringBuffer stderr = new StringBuffer();
  private final Thread stdoutReader;
  private final Thread stderrReader;

  private PluginProcess(Process process) {
    this.process = process;
    this.stdoutReader = Thread.ofVirtual().start(() -> readLines(process.getInputStream(), true));
    this.stderrReader = Thread.ofVirtual().start(() -> readLines(process.getErrorStream(), false));
  }

  /**
   * Starts {@code kubectl gadget <arguments>} with {@code env} added to this JVM's environment,
   * this JVM's JDK 25 as JAVA_HOME and nothing but the launcher and the system on the PATH.
   */
  static PluginProcess start(Map<String, String> env, String... arguments) {
    List<String> command = new ArrayList<>(List.of("/usr/bin/kubectl", "gadget"));
    command.addAll(List.of(arguments));
    return start(env, CtrlC.interruptible(command));
  }

  /**
   * Starts {@code kubectl gadget <arguments>} on a terminal of its own, as a person runs it: {@code
   * script} from util-linux gives it a pseudo-terminal as stdin and stdout, and copies what it
   * prints there, escape sequences and carriage returns included, to {@link #nextLine}. Stop it
   * with --timeout: signals go to {@code script}, not to the plugin.
   */
  static PluginProcess startOnTerminal(Map<String, String> env, String... arguments) {
    StringBuilder shellCommand = new StringBuilder("exec /usr/bin/kubectl gadget");
    for (String argument : arguments) {
      shellCommand.append(" '").append(argument.replace("'", "'\\''")).append('\'');
    }
    return start(
        env,
        List.of(
            "script",
            "--quiet",
            "--flush",
            "--return",
            "--command",
            shellCommand.toString(),
            "/dev/null"));
  }

  private static PluginProcess start(Map<String, String> env, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("KUBECONFIG");
    builder.environment().put("PATH", LAUNCHER_DIRECTORY + ":/usr/bin:/bin");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().putAll(env);
    try {
      return new PluginProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + command, e);
    }
  }

  /**
   * Runs {@code /bin/true <marker>} until this plugin prints the exec event of one: its Traces may
   * not run yet, and an exec before they do is not seen.
   */
  void awaitExecOf(String marker, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      Process traced = new ProcessBuilder("/bin/true", marker).start();
      assertThat(traced.waitFor(10, TimeUnit.SECONDS)).isTrue();
      for (String line = nextLine(Duration.ofSeconds(2));
          line != null;
          line = nextLine(Duration.ofMillis(200))) {
        if (line.contains(marker)) {
          return;
        }
      }
    }
    throw new AssertionError("no exec event with " + marker + "; stderr: " + stderr());
  }

  /** The next line of standard output, or null when none arrives within {@code timeout}. */
  String nextLine(Duration timeout) throws InterruptedException {
    return stdout.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends SIGINT, as Ctrl-C does. */
  void interrupt() throws Exception {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  /** Waits for the exit and returns its status; kills the process when it does not exit. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          "kubectl gadget did not exit within " + timeout + "; stderr: " + stderr);
    }
    stdoutReader.join(Duration.ofSeconds(10));
    stderrReader.join(Duration.ofSeconds(10));
    return process.exitValue();
  }

  /** Standard output not taken by {@link #nextLine} yet. */
  List<String> remainingStdout() {
    List<String> lines = new ArrayList<>();
    stdout.drainTo(lines);
    return lines;
  }

  String stderr() {
    return stderr.toString();
  }

  /** Waits until standard error contains {@code text}; fails after {@code timeout}. */
  void awaitStderrContaining(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (stderr) {
      while (!stderr.toString().contains(text)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "stderr has no \"" + text + "\" after " + timeout + ": " + stderr);
        }
        TimeUnit.NANOSECONDS.timedWait(stderr, left);
      }
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  void kill() {
    process.destroyForcibly();
  }

  private void readLines(InputStream stream, boolean toStdout) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (toStdout) {
          stdout.add(line);
        } else {
          synchronized (stderr) {
            stderr.append(line).append('\n');
            stderr.notifyAll();
          }
        }
      }
    } catch (IOException e) {
      stderr.append("(reading failed: ").append(e.getMessage()).append(")\n");
    }
  }
}
