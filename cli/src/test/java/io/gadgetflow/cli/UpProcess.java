package io.gadgetflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.CtrlC;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gadgetflow up} as a user runs it: the built launcher jar in a JVM of its own, here with a
 * data directory and ports of its own so that it collides with nothing else on the machine.
 */
final class UpProcess implements AutoCloseable {
  static final Path JAR = Path.of("target", "gadgetflow.jar");
  private static final String READY_LINE = "GadgetFlow is up.";
  private static final Pattern KUBECONFIG = Pattern.compile("export KUBECONFIG=(\\S+)");
  private static final Pattern VIEWER_KAFKA =
      Pattern.compile("export GADGETFLOW_KAFKA_CLIENT_PROPERTIES=(\\S+)");
  private static final Pattern KAFKA = Pattern.compile("Kafka at (\\S+), node agent");
  private static final Pattern DASHBOARD = Pattern.compile("(http://\\S+?)/#token=(\\S+)");
  private static final Pattern MONITORING =
      Pattern.compile("Health and Prometheus metrics: (\\S+)/health");

  private final Process process;
  private final List<String> output = new ArrayList<>();

  private UpProcess(Process process) {
    this.process = process;
    Thread.ofVirtual().start(this::readOutput);
  }

  /**
   * @param stderr where the platform's progress and logs go, for reading after a failure
   */
  static UpProcess start(Path dataDir, String nodeName, Path stderr) throws IOException {
    return start(dataDir, nodeName, stderr, 0, 0);
  }

  /**
   * @param kafkaPort the embedded Kafka's port; 0 for a free one
   * @param apiServerPort the local kube-apiserver's port; 0 for a free one
   */
  static UpProcess start(
      Path dataDir, String nodeName, Path stderr, int kafkaPort, int apiServerPort)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder =
        new ProcessBuilder(
                CtrlC.interruptible(
                    List.of(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "--sun-misc-unsafe-memory-access=allow",
                        "-jar",
                        JAR.toString(),
                        "up",
                        "--data-dir",
                        dataDir.toString(),
                        "--kafka-port",
                        Integer.toString(kafkaPort),
                        "--api-server-port",
                        Integer.toString(apiServerPort))))
            .redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.put("GADGETFLOW_NODE_NAME", nodeName);
    env.put("GADGETFLOW_WEB_PORT", "0");
    env.put("GADGETFLOW_METRICS_PORT", "0");
    return new UpProcess(builder.start());
  }

  /** Waits for the ready line and what follows it; fails when the process exits first. */
  void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (find(MONITORING).isEmpty()) {
      assertThat(process.isAlive()).as("gadgetflow up exited early; stdout: %s", output()).isTrue();
      assertThat(System.nanoTime() - deadline)
          .as("gadgetflow up not ready within %s; stdout: %s", timeout, output())
          .isNegative();
      synchronized (output) {
        output.wait(100);
      }
    }
    assertThat(output()).contains(READY_LINE);
  }

  Path kubeconfig() {
    return Path.of(find(KUBECONFIG).orElseThrow());
  }

  String kafkaBootstrapServers() {
    return find(KAFKA).orElseThrow();
  }

  /** The viewer's Kafka client properties file that {@code up} prints for kubectl gadget. */
  Path viewerKafkaProperties() {
    return Path.of(find(VIEWER_KAFKA).orElseThrow());
  }

  /** The web UI's address, without the path and token. */
  String webUrl() {
    return find(DASHBOARD).orElseThrow();
  }

  /** The launch token the dashboard URL carries. */
  String webToken() {
    Matcher matcher = DASHBOARD.matcher(output());
    assertThat(matcher.find()).as("a dashboard URL in %s", output()).isTrue();
    return matcher.group(2);
  }

  String monitoringUrl() {
    return find(MONITORING).orElseThrow();
  }

  long pid() {
    return process.pid();
  }

  /** The JVM and every process it started (etcd, kube-apiserver), as they are now. */
  List<ProcessHandle> processTree() {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(process.toHandle());
    process.descendants().forEach(tree::add);
    return tree;
  }

  /** Ctrl-C: SIGINT to the JVM, as a terminal sends it. */
  void interrupt() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
    assertThat(kill.waitFor()).isZero();
  }

  boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  int exitValue() {
    return process.exitValue();
  }

  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  private Optional<String> find(Pattern pattern) {
    Matcher matcher = pattern.matcher(output());
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  private void readOutput() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        synchronized (output) {
          output.add(line);
          output.notifyAll();
        }
      }
    } catch (IOException e) {
      // The process is gone; what it printed is kept.
    }
  }

  /** Kills whatever is left, so a failed test does not leave a platform running. */
  @Override
  public void close() {
    processTree().forEach(ProcessHandle::destroyForcibly);
  }
}
