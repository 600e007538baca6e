package io.gadgetflow.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NumberedAgent} in a JVM of its own, on this JVM's class path, its log in a file: a node
 * agent a fault can kill with SIGKILL.
 */
final class AgentProcess implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;

  private AgentProcess(Process process) {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Starts the agent and returns once it runs (it printed {@code ready}). */
  static AgentProcess start(
      String bootstrap, String node, double rate, long firstSequence, Path log, Duration timeout)
      throws IOException, InterruptedException {
    return start(bootstrap, node, rate, firstSequence, Map.of(), log, timeout);
  }

  /**
   * Starts the agent with {@code environment} besides this JVM's (e.g. {@code
   * GADGETFLOW_TOPIC_CONTROL}) and returns once it runs.
   */
  static AgentProcess start(
      String bootstrap,
      String node,
      double rate,
      long firstSequence,
      Map<String, String> environment,
      Path log,
      Duration timeout)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(
        List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "--enable-native-access=ALL-UNNAMED",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
            "-cp",
            System.getProperty("java.class.path"),
            NumberedAgent.class.getName(),
            bootstrap,
            node,
            Double.toString(rate),
            Long.toString(firstSequence)));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    Process process = builder.start();
    AgentProcess agent = new AgentProcess(process);
    String line = agent.readLine(timeout);
    if (!"ready".equals(line)) {
      agent.kill();
      throw new IllegalStateException("the agent did not start (" + line + "); see " + log);
    }
    return agent;
  }

  /** SIGKILL: nothing of the agent's memory (its event queue, its producer's buffer) survives. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Stops the events; returns how many the agent emitted. */
  long stopEvents(Duration timeout) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write("stop\n".getBytes(StandardCharsets.UTF_8));
    in.flush();
    String line = readLine(timeout);
    if (line == null || !line.startsWith("emitted ")) {
      throw new IllegalStateException("the agent did not say what it emitted: " + line);
    }
    return Long.parseLong(line.substring("emitted ".length()));
  }

  private String readLine(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && process.isAlive() && !out.ready()) {
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return out.ready() ? out.readLine() : null;
  }

  /** Ends the agent as its DaemonSet would: SIGTERM, then SIGKILL if it does not stop. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
