package io.gadgetflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each role alone, as its container image runs it ({@code gadgetflow controller|node|web}, set up
 * by {@code GADGETFLOW_*} variables): it serves {@code /health} and {@code /metrics} on its
 * configured port, with its own meters, and stops on SIGTERM as Kubernetes stops a pod: exit 0,
 * within the pod's grace.
 */
@WithKafka
@WithKubernetes
class RoleCommandsIT {
  private static final Logger LOG = LoggerFactory.getLogger(RoleCommandsIT.class);
  private static final Pattern LISTENING =
      Pattern.compile("Monitoring listening on [0-9.]+:([0-9]+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path logs;

  /**
   * The TLS settings reach the role's Kafka clients: a truststore that does not exist stops the
   * role at start, with the path in what it says, where a plaintext client would have connected.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"controller", "node", "web"})
  void eachRoleHandsItsKafkaTlsSettingsToKafka(
      String role, KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    Path missingTruststore = logs.resolve("no-such-ca-" + role + ".crt");
    Path stderr = logs.resolve(role + "-tls.log");
    ProcessBuilder builder = roleProcess(role, cluster, kafka, stderr);
    builder.environment().put("GADGETFLOW_KAFKA_SECURITY_PROTOCOL", "SSL");
    builder.environment().put("GADGETFLOW_KAFKA_SSL_TRUSTSTORE_TYPE", "PEM");
    builder
        .environment()
        .put("GADGETFLOW_KAFKA_SSL_TRUSTSTORE_LOCATION", missingTruststore.toString());
    Process process = builder.start();
    try {
      assertThat(process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("%s exits when Kafka's TLS settings are unusable", role)
          .isTrue();
      assertThat(process.exitValue()).isNotZero();
      assertThat(Files.readString(stderr)).contains(missingTruststore.toString());
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /**
   * A Lease a replica could not hold safely (a renew deadline not shorter than the lease) is
   * refused at start: exit 1 and one line on stderr that names the variables, before any client
   * starts.
   */
  @Test
  void aControllerRefusesALeaseTimingItCouldNotHoldSafely(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    Path stderr = logs.resolve("controller-lease.log");
    ProcessBuilder builder = roleProcess("controller", cluster, kafka, stderr);
    builder.environment().put("GADGETFLOW_LEASE_DURATION_SECONDS", "10");
    builder.environment().put("GADGETFLOW_LEASE_RENEW_DEADLINE_SECONDS", "10");
    Process process = builder.start();
    try {
      assertThat(process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(1);
      assertThat(Files.readAllLines(stderr))
          .containsExactly(
              "gadgetflow: GADGETFLOW_LEASE_DURATION_SECONDS=10,"
                  + " GADGETFLOW_LEASE_RENEW_DEADLINE_SECONDS=10,"
                  + " GADGETFLOW_LEASE_RETRY_PERIOD_SECONDS=2: the renew deadline (10000 ms) must be"
                  + " shorter than the lease duration (10000 ms)");
    } finally {
      process.destroyForcibly();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "controller, gadgetflow_controller_reconcile_seconds_count{outcome=\"success\"}",
    "node, gadgetflow_node_kafka_send_seconds_count",
    "web, gadgetflow_web_websocket_clients"
  })
  void eachRoleServesItsHealthAndMetrics(
      String role, String sample, KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    Process process = roleProcess(role, cluster, kafka, logs.resolve(role + ".log")).start();
    Path stderr = logs.resolve(role + ".log");
    try {
      String metricsUrl = "http://127.0.0.1:" + awaitPort(process, stderr) + "/";
      HttpResponse<String> health = awaitHealthy(metricsUrl + "health", stderr);
      assertThat(health.body()).contains("\"" + role + "\":\"UP\"");

      HttpResponse<String> metrics = get(metricsUrl + "metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("\n" + sample + " ")
          .contains("jvm_memory_used_bytes")
          .doesNotContain("gadgetflow_" + otherRole(role));

      // As Kubernetes ends a pod: SIGTERM, and SIGKILL after the grace period (30 s). An orderly
      // stop exits 0 (the JVM's own handling of SIGTERM exits 143, a failure to a DaemonSet).
      long stopStart = System.nanoTime();
      process.destroy();
      assertThat(process.waitFor(VerticleRunner.STOP_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS))
          .as("%s stops on SIGTERM within its grace", role)
          .isTrue();
      assertThat(process.exitValue())
          .as("%s's exit code after SIGTERM:%n%s", role, Files.readString(stderr))
          .isZero();
      LOG.info(
          "{} stopped on SIGTERM in {} ms",
          role,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStart));
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /** The role as its image runs it, against this test's cluster and broker, on free ports. */
  private static ProcessBuilder roleProcess(
      String role, KubernetesCluster cluster, KafkaBroker kafka, Path stderr) {
    String unique = role + "-" + UUID.randomUUID().toString().substring(0, 8);
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-jar",
                UpProcess.JAR.toString(),
                role)
            .redirectErrorStream(false)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", cluster.kubeconfig().toString());
    env.put("GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("GADGETFLOW_TOPIC_CONTROL", kafka.createTopic("control"));
    env.put("GADGETFLOW_TOPIC_STATUS", kafka.createTopic("status"));
    env.put("GADGETFLOW_TOPIC_EVENTS", kafka.createTopic("events"));
    env.put("GADGETFLOW_METRICS_PORT", "0");
    env.put("GADGETFLOW_WEB_PORT", "0");
    env.put("GADGETFLOW_NODE_NAME", unique);
    env.put("GADGETFLOW_IDENTITY", unique);
    env.put("GADGETFLOW_LEASE_NAME", unique);
    env.put("GADGETFLOW_WATCH_NAMESPACE", cluster.createNamespace(role));
    return builder;
  }

  /** A role's meters are its own: the controller shows no node meters, and so on. */
  private static String otherRole(String role) {
    return switch (role) {
      case "controller" -> "node_";
      case "node" -> "web_";
      default -> "controller_";
    };
  }

  private static int awaitPort(Process process, Path stderr) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      String log = Files.readString(stderr);
      Matcher matcher = LISTENING.matcher(log);
      if (matcher.find()) {
        return Integer.parseInt(matcher.group(1));
      }
      assertThat(process.isAlive()).as("the role exited early:%n%s", log).isTrue();
      assertThat(System.nanoTime() - deadline).as("no monitoring port in:%n%s", log).isNegative();
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /** /health says DOWN (503) until the role is deployed. */
  private static HttpResponse<String> awaitHealthy(String url, Path stderr) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      HttpResponse<String> health = get(url);
      if (health.statusCode() == 200) {
        assertThat(health.body()).contains("\"status\":\"UP\"");
        return health;
      }
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(System.nanoTime() - deadline)
          .as("not healthy in time:%n%s", Files.readString(stderr))
          .isNegative();
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
