package io.gadgetflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command end to end: {@code gadgetflow up} as a subprocess on a fresh data
 * directory, the example Trace started with kubectl, its exec events in Kafka, every role's health
 * and metrics scraped, Ctrl-C leaving nothing behind; then a second start on the same data, which
 * resumes the trace. Prints the cold and warm start times.
 */
class UpCommandIT {
  /** The node of {@code k8s/examples/trace-exec.yaml}; this platform's agent answers to it. */
  private static final String NODE = "node-1";

  private static final Path EXAMPLE = Path.of("..", "k8s", "examples", "trace-exec.yaml");
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration EVENTS_TIMEOUT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dataDir;
  @TempDir Path kubectlCache;

  @Test
  void upRunsThePlatformUntilCtrlCAndResumesItsTracesOnTheNextStart() throws Exception {
    long coldStart = System.nanoTime();
    try (UpProcess up = UpProcess.start(dataDir, NODE, Path.of("target", "up-cold.log"))) {
      up.awaitReady(READY_TIMEOUT);
      Duration cold = Duration.ofNanos(System.nanoTime() - coldStart);

      kubectl(up, "apply", "-f", EXAMPLE.toString());
      kubectl(up, "annotate", "-n", "gadget", "trace/exec", "gadget.kinvolk.io/operation=start");
      awaitTrue(() -> "Started".equals(traceState(up)), "the Trace's state is Started");
      String marker = "up-it-" + UUID.randomUUID();
      awaitExecEvent(up, marker);

      assertHealthy(up);
      String metrics = scrape(up);
      assertThat(value(metrics, "gadgetflow_node_events_total{gadget=\"execsnoop\"}")).isPositive();
      assertThat(
              value(
                  metrics,
                  "gadgetflow_node_lost_events_total{gadget=\"execsnoop\",place=\"queue\"}"))
          .isNotNegative();
      assertThat(
              value(
                  metrics,
                  "gadgetflow_node_ring_buffer_fill_ratio{gadget=\"execsnoop\",trace=\"gadget/exec\"}"))
          .isBetween(0.0, 1.0);
      assertThat(value(metrics, "gadgetflow_node_kafka_send_seconds_count")).isPositive();
      assertThat(
              value(metrics, "gadgetflow_controller_reconcile_seconds_count{outcome=\"success\"}"))
          .isPositive();
      assertThat(value(metrics, "gadgetflow_controller_acting")).isEqualTo(1.0);
      assertThat(value(metrics, "gadgetflow_web_websocket_clients")).isZero();
      WebSocket socket = watchEvents(up);
      awaitTrue(
          () -> value(scrapeQuietly(up), "gadgetflow_web_websocket_clients") == 1.0,
          "the web UI counts the open websocket");
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
      awaitTrue(
          () -> value(scrapeQuietly(up), "gadgetflow_web_websocket_clients") == 0.0,
          "the web UI counts the websocket closed");

      stopWithCtrlC(up);
      System.out.printf("gadgetflow up: cold start %d ms%n", cold.toMillis());
    }

    long warmStart = System.nanoTime();
    try (UpProcess up = UpProcess.start(dataDir, NODE, Path.of("target", "up-warm.log"))) {
      up.awaitReady(READY_TIMEOUT);
      Duration warm = Duration.ofNanos(System.nanoTime() - warmStart);

      assertThat(traceState(up)).isEqualTo("Started");
      awaitExecEvent(up, "up-it-resumed-" + UUID.randomUUID());
      assertHealthy(up);

      stopWithCtrlC(up);
      System.out.printf("gadgetflow up: warm start %d ms%n", warm.toMillis());
    }
  }

  private void stopWithCtrlC(UpProcess up) throws IOException, InterruptedException {
    List<ProcessHandle> tree = up.processTree();
    assertThat(tree)
        .as("the JVM, etcd and kube-apiserver")
        .hasSizeGreaterThanOrEqualTo(3)
        .allMatch(ProcessHandle::isAlive);

    up.interrupt();

    assertThat(up.awaitExit(STOP_TIMEOUT)).as("gadgetflow up exits after Ctrl-C").isTrue();
    // An orderly stop, not the JVM's 130 for SIGINT (docs/reliability.md).
    assertThat(up.exitValue()).as("gadgetflow up's exit code after Ctrl-C").isZero();
    awaitTrue(() -> tree.stream().noneMatch(ProcessHandle::isAlive), "no process is left: " + tree);
  }

  /** Starts processes carrying {@code marker} until the agent's event for one is in Kafka. */
  private static void awaitExecEvent(UpProcess up, String marker) throws Exception {
    // As kubectl gadget reads it: the embedded broker lets in only its users.
    Properties config =
        new KafkaClients(
                up.kafkaBootstrapServers(),
                KafkaSecurity.fromPropertiesFile(up.viewerKafkaProperties()))
            .groupFreeConsumer("up-it");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor("gadget.events").stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + EVENTS_TIMEOUT.toNanos();
      List<String> seen = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        new ProcessBuilder("/bin/true", marker).start().waitFor();
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value().contains(marker)) {
            assertThat(record.value()).contains("\"node\":\"" + NODE + "\"");
            return;
          }
          if (seen.size() < 5) {
            seen.add(record.value());
          }
        }
      }
      throw new AssertionError("no exec event for " + marker + " in Kafka; first seen: " + seen);
    }
  }

  /** A browser's websocket following the example Trace's events. */
  private static WebSocket watchEvents(UpProcess up) {
    return HTTP.newWebSocketBuilder()
        .header("Authorization", "Bearer " + up.webToken())
        .subprotocols("gadgetflow.events.v1")
        .buildAsync(
            URI.create(
                up.webUrl().replaceFirst("^http", "ws")
                    + "/api/v1/namespaces/gadget/traces/exec/events"),
            new WebSocket.Listener() {})
        .orTimeout(30, TimeUnit.SECONDS)
        .join();
  }

  private static String scrapeQuietly(UpProcess up) {
    try {
      return scrape(up);
    } catch (Exception e) {
      throw new AssertionError("cannot scrape " + up.monitoringUrl(), e);
    }
  }

  private static void assertHealthy(UpProcess up) throws Exception {
    HttpResponse<String> health = get(up.monitoringUrl() + "/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .contains("\"status\":\"UP\"")
        .contains("\"controller\":\"UP\"")
        .contains("\"node\":\"UP\"")
        .contains("\"web\":\"UP\"");
  }

  private static String scrape(UpProcess up) throws Exception {
    HttpResponse<String> metrics = get(up.monitoringUrl() + "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    return metrics.body();
  }

  /** The value of one sample in Prometheus' text format. */
  private static double value(String metrics, String sample) {
    Matcher matcher =
        Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE)
            .matcher(metrics);
    assertThat(matcher.find()).as("%s in%n%s", sample, metrics).isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String traceState(UpProcess up) {
    return kubectl(up, "get", "-n", "gadget", "trace/exec", "-o", "jsonpath={.status.state}");
  }

  private String kubectl(UpProcess up, String... arguments) {
    List<String> command =
        new ArrayList<>(
            List.of("kubectl", "--kubeconfig=" + up.kubeconfig(), "--cache-dir=" + kubectlCache));
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
      return output.strip();
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  private static void awaitTrue(Supplier<Boolean> condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + EVENTS_TIMEOUT.toNanos();
    while (!condition.get()) {
      assertThat(System.nanoTime() - deadline).as("waiting until " + what).isNegative();
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }
}
