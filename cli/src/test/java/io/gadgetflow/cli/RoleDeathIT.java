package io.gadgetflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.KafkaRole;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.SecuredKafkaBroker;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A role whose part dies, as a process: the role, working, loses its right to read a topic (the
 * broker's ACL revoked, as an operator's mistake would), which no retry undoes. Before, its reader
 * warned every poll or every few seconds and read nothing while {@code /health} said UP (the
 * controller's operations then timing out on Traces whose nodes answered, the node agent running no
 * operation any more); now the process exits 70, so that its Deployment or DaemonSet restarts it
 * (and shows the refusal in its restarts), saying why once.
 */
@WithKafka
@WithKubernetes
class RoleDeathIT {
  private static final Logger LOG = LoggerFactory.getLogger(RoleDeathIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String REFUSED =
      " died: org.apache.kafka.common.errors.TopicAuthorizationException";

  @TempDir Path logs;

  @Test
  void aControllerRefusedItsStatusTopicExits70SayingWhyOnce(
      KubernetesCluster cluster, SecuredKafkaBroker kafka) throws Exception {
    String unique = "death-" + UUID.randomUUID().toString().substring(0, 8);
    String control = kafka.broker().createTopic(unique + "-control");
    String status = kafka.broker().createTopic(unique + "-status");
    String namespace = cluster.createNamespace("role-death");
    AclBinding readStatus = allow(KafkaRole.CONTROLLER, status, AclOperation.READ);
    try (Admin admin = admin(kafka)) {
      admin
          .createAcls(
              List.of(
                  allow(KafkaRole.CONTROLLER, control, AclOperation.READ),
                  allow(KafkaRole.CONTROLLER, control, AclOperation.WRITE),
                  readStatus))
          .all()
          .get(30, TimeUnit.SECONDS);
      assertDiesOnceRefused(
          "controller",
          KafkaRole.CONTROLLER,
          kafka,
          Map.of(
              "KUBECONFIG", cluster.kubeconfig().toString(),
              "GADGETFLOW_TOPIC_CONTROL", control,
              "GADGETFLOW_TOPIC_STATUS", status,
              "GADGETFLOW_NODE_SERVICE_ACCOUNT", "none",
              "GADGETFLOW_WATCH_NAMESPACE", namespace,
              "GADGETFLOW_LEASE_NAMESPACE", namespace,
              "GADGETFLOW_IDENTITY", unique),
          "now acts on Traces",
          admin,
          readStatus,
          "gadgetflow-controller-status");
    }
  }

  @Test
  void aNodeAgentRefusedItsControlTopicExits70SayingWhyOnce(
      KubernetesCluster cluster, SecuredKafkaBroker kafka) throws Exception {
    String unique = "death-" + UUID.randomUUID().toString().substring(0, 8);
    String control = kafka.broker().createTopic(unique + "-control");
    String status = kafka.broker().createTopic(unique + "-status");
    String events = kafka.broker().createTopic(unique + "-events");
    AclBinding readControl = allow(KafkaRole.NODE, control, AclOperation.READ);
    try (Admin admin = admin(kafka)) {
      admin
          .createAcls(
              List.of(
                  readControl,
                  allow(KafkaRole.NODE, status, AclOperation.WRITE),
                  allow(KafkaRole.NODE, events, AclOperation.WRITE)))
          .all()
          .get(30, TimeUnit.SECONDS);
      assertDiesOnceRefused(
          "node",
          KafkaRole.NODE,
          kafka,
          Map.of(
              "GADGETFLOW_TOPIC_CONTROL", control,
              "GADGETFLOW_TOPIC_STATUS", status,
              "GADGETFLOW_TOPIC_EVENTS", events,
              "GADGETFLOW_CONTAINER_AWARENESS", "false",
              "GADGETFLOW_NODE_NAME", unique),
          "control topic read",
          admin,
          readControl,
          "gadgetflow-control-reader");
    }
  }

  @Test
  void aWebUiRefusedItsStatusTopicExits70SayingWhyOnce(
      KubernetesCluster cluster, SecuredKafkaBroker kafka) throws Exception {
    String unique = "death-" + UUID.randomUUID().toString().substring(0, 8);
    String control = kafka.broker().createTopic(unique + "-control");
    String status = kafka.broker().createTopic(unique + "-status");
    String events = kafka.broker().createTopic(unique + "-events");
    // The live feed follows the status topic for the nodes that run an agent, whether or not a
    // browser watches a trace.
    AclBinding readStatus = allow(KafkaRole.WEB, status, AclOperation.READ);
    try (Admin admin = admin(kafka)) {
      admin
          .createAcls(List.of(readStatus, allow(KafkaRole.WEB, events, AclOperation.READ)))
          .all()
          .get(30, TimeUnit.SECONDS);
      assertDiesOnceRefused(
          "web",
          KafkaRole.WEB,
          kafka,
          Map.of(
              "KUBECONFIG",
              cluster.kubeconfig().toString(),
              "GADGETFLOW_TOPIC_CONTROL",
              control,
              "GADGETFLOW_TOPIC_STATUS",
              status,
              "GADGETFLOW_TOPIC_EVENTS",
              events,
              "GADGETFLOW_WEB_HOST",
              "127.0.0.1",
              "GADGETFLOW_WEB_PORT",
              "0"),
          "Web UI listening on",
          admin,
          readStatus,
          "gadgetflow-web-live-feed");
    }
  }

  /**
   * Runs {@code role} as Kafka's {@code user}, revokes {@code acl} once it logged {@code working},
   * and asserts it exits 70 saying that {@code part} died of the refusal, once on stderr and once
   * in its log.
   */
  private void assertDiesOnceRefused(
      String role,
      KafkaRole user,
      SecuredKafkaBroker kafka,
      Map<String, String> environment,
      String working,
      Admin admin,
      AclBinding acl,
      String part)
      throws Exception {
    Path stderr = logs.resolve(role + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-jar",
                UpProcess.JAR.toString(),
                role)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.putAll(environment);
    env.put("GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("GADGETFLOW_KAFKA_CLIENT_PROPERTIES", kafka.clientProperties(user).toString());
    env.put("GADGETFLOW_METRICS_PORT", "0");
    Process process = builder.start();
    try {
      awaitLogged(process, stderr, working);
      admin.deleteAcls(List.of(acl.toFilter())).all().get(30, TimeUnit.SECONDS);
      long revoked = System.nanoTime();

      assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("the %s exits once refused:%n%s", role, Files.readString(stderr))
          .isTrue();
      LOG.info(
          "The {} exited {} ms after its read was revoked",
          role,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revoked));
      String log = Files.readString(stderr);
      assertThat(process.exitValue()).as("exit code:%n%s", log).isEqualTo(70);
      assertThat(
              occurrences(
                  log,
                  "gadgetflow: %s failed, exiting with 70: %s".formatted(role, part + REFUSED)))
          .as("the process says why on stderr, once:%n%s", log)
          .isOne();
      assertThat(
              occurrences(
                  log, "Role %s failed, the process exits: %s".formatted(role, part + REFUSED)))
          .as("the log says why, once:%n%s", log)
          .isOne();
    } finally {
      process.destroyForcibly();
    }
  }

  private static AclBinding allow(KafkaRole role, String topic, AclOperation operation) {
    return new AclBinding(
        new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
        new AccessControlEntry(role.principal(), "*", operation, AclPermissionType.ALLOW));
  }

  /** An administrator's client: it may create and delete ACLs. */
  private static Admin admin(SecuredKafkaBroker kafka) throws Exception {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(kafka.credentials().adminProperties())) {
      properties.load(reader);
    }
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return Admin.create(properties);
  }

  private static void awaitLogged(Process process, Path stderr, String text) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!Files.readString(stderr).contains(text)) {
      assertThat(process.isAlive())
          .as("the role exited early:%n%s", Files.readString(stderr))
          .isTrue();
      assertThat(System.nanoTime() - deadline)
          .as("no \"%s\" in:%n%s", text, Files.readString(stderr))
          .isNegative();
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  private static long occurrences(String log, String text) {
    return Pattern.compile(Pattern.quote(text)).matcher(log).results().count();
  }
}
