package io.gadgetflow.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gadgetflow.local.kafka.EmbeddedKafka;
import io.gadgetflow.local.kafka.EmbeddedKafkaConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker of {@link NodeTraining}: the launcher's embedded KRaft broker with the contract's
 * topics, in a JVM of its own, so that the training's record (and the node image's AOT cache) holds
 * the agent's classes and profiles alone, not the broker's, which the agent would otherwise load
 * from the cache at every start.
 */
public final class TrainingBroker implements AutoCloseable {
  private static final String BOOTSTRAP = "bootstrap=";
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final String bootstrapServers;

  private TrainingBroker(Process process, String bootstrapServers) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Starts the broker, its data in {@code dataDir}, with this JVM's java and class path; its output
   * goes to this JVM's.
   */
  static TrainingBroker start(Path dataDir) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    TrainingBroker.class.getName(),
                    dataDir.toString()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      System.out.println(line);
      if (line.startsWith(BOOTSTRAP)) {
        Thread.ofVirtual().start(() -> out.lines().forEach(System.out::println));
        return new TrainingBroker(process, line.substring(BOOTSTRAP.length()));
      }
    }
    process.destroyForcibly();
    throw new IOException("the training's broker ended before it was ready");
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** Ends the broker's input, on which it stops. */
  @Override
  public void close() throws IOException, InterruptedException {
    process.getOutputStream().close();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /** The broker's JVM: prints {@code bootstrap=HOST:PORT} once ready, stops at its input's end. */
  public static void main(String[] args) throws Exception {
    try (EmbeddedKafka kafka =
        EmbeddedKafka.start(
            EmbeddedKafkaConfig.defaults()
                .withDataDir(Path.of(args[0]))
                .withPort(0)
                .withoutAuthentication())) {
      System.out.println(BOOTSTRAP + kafka.bootstrapServers());
      System.out.flush();
      while (System.in.read() != -1) {
        // Nothing is said on the input; its end is the stop.
      }
    }
  }
}
