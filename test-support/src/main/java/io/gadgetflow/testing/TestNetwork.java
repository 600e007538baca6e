package io.gadgetflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace a test makes with iproute2's {@code ip netns add}, its loopback up (127.0.0.1
 * and ::1), and a process that stays in it for as long as the namespace is used, the way into it
 * for code that needs a pid. Commands run inside with {@code ip netns exec}. Closing it stops what
 * was started in it and deletes the namespace. Traffic stays on its loopback.
 */
public final class TestNetwork implements AutoCloseable {
  private static final long COMMAND_TIMEOUT_SECONDS = 30;

  private final String name;
  private final List<Process> started = new ArrayList<>();
  private final Process anchor;

  private TestNetwork(String name) {
    this.name = name;
    command("ip", "netns", "add", name);
    try {
      command("ip", "-n", name, "link", "set", "lo", "up");
      anchor = start("sleep", "3600");
      awaitInNamespace(anchor);
    } catch (RuntimeException e) {
      command("ip", "netns", "delete", name);
      throw e;
    }
  }

  public static TestNetwork create() {
    return new TestNetwork("gadgetflow-test-" + UUID.randomUUID().toString().substring(0, 8));
  }

  public String name() {
    return name;
  }

  /** A process that is in the namespace until {@link #close()}. */
  public long anchorPid() {
    return anchor.pid();
  }

  /**
   * Starts {@code command} in the namespace; it is stopped at {@link #close()} if still running.
   */
  public Process start(String... command) {
    List<String> inNamespace = new ArrayList<>(List.of("ip", "netns", "exec", name));
    inNamespace.addAll(List.of(command));
    try {
      Process process = new ProcessBuilder(inNamespace).start();
      started.add(process);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + inNamespace, e);
    }
  }

  /** Runs {@code command} in the namespace to its end, which must be a success; its output. */
  public String run(String... command) {
    List<String> inNamespace = new ArrayList<>(List.of("ip", "netns", "exec", name));
    inNamespace.addAll(List.of(command));
    return command(inNamespace.toArray(String[]::new));
  }

  @Override
  public void close() {
    for (Process process : started) {
      process.destroyForcibly();
    }
    for (Process process : started) {
      try {
        process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    command("ip", "netns", "delete", name);
  }

  /**
   * {@code ip netns exec} joins the namespace after it started: until then its pid is no way into
   * the namespace.
   */
  private void awaitInNamespace(Process process) {
    Path namespaceFile = Path.of("/run/netns", name);
    Path processNamespace = Path.of("/proc", Long.toString(process.pid()), "ns", "net");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_TIMEOUT_SECONDS);
    try {
      Object id = Files.getAttribute(namespaceFile, "unix:ino");
      while (!id.equals(Files.getAttribute(processNamespace, "unix:ino"))) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IllegalStateException("ip netns exec did not join " + name);
        }
        Thread.sleep(1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a command of this machine to its end, which must be a success; its output. */
  static String command(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited with " + process.exitValue() + ": " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
    }
  }
}
