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
 * A role whose part dies, as a process: {@code gadgetflow controller}, acting, loses its right to
 * read the status topic (the broker's ACL revoked, as an operator's mistake would), which no retry
 * undoes. Before, its consumer warned at each poll and went on reading nothing while {@code
 * /health} said UP, every operation then timing out on Traces whose nodes answered; now the process
 * exits 70, so that its Deployment restarts it (and shows the refusal in its restarts), saying why
 * once.
 */
@WithKafka
@WithKubernetes
class RoleDeathIT {
  private static final Logger LOG = LoggerFactory.getLogger(RoleDeathIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String REASON =
      "gadgetflow-controller-status died: org.apache.kafka.common.errors.TopicAuthorizationException";

  @TempDir Path logs;

  @Test
  void aControllerRefusedItsStatusTopicExits70SayingWhyOnce(
      KubernetesCluster cluster, SecuredKafkaBroker kafka) throws Exception {
    String unique = "death-" + UUID.randomUUID().toString().substring(0, 8);
    String control = kafka.broker().createTopic(unique + "-control");
    String status = kafka.broker().createTopic(unique + "-status");
    String namespace = cluster.createNamespace("role-death");
    AclBinding readStatus = allowController(status, AclOperation.READ);
    try (Admin admin = admin(kafka)) {
      admin
          .createAcls(
              List.of(
                  allowController(control, AclOperation.READ),
                  allowController(control, AclOperation.WRITE),
                  readStatus))
          .all()
          .get(30, TimeUnit.SECONDS);

      Path stderr = logs.resolve("controller.log");
      ProcessBuilder builder =
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElse("java"),
                  "--enable-native-access=ALL-UNNAMED",
                  "--sun-misc-unsafe-memory-access=allow",
                  "-jar",
                  UpProcess.JAR.toString(),
                  "controller")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(stderr.toFile());
      Map<String, String> env = builder.environment();
      env.put("KUBECONFIG", cluster.kubeconfig().toString());
      env.put("GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
      env.put(
          "GADGETFLOW_KAFKA_CLIENT_PROPERTIES",
          kafka.clientProperties(KafkaRole.CONTROLLER).toString());
      env.put("GADGETFLOW_TOPIC_CONTROL", control);
      env.put("GADGETFLOW_TOPIC_STATUS", status);
      env.put("GADGETFLOW_NODE_SERVICE_ACCOUNT", "none");
      env.put("GADGETFLOW_WATCH_NAMESPACE", namespace);
      env.put("GADGETFLOW_LEASE_NAMESPACE", namespace);
      env.put("GADGETFLOW_IDENTITY", unique);
      env.put("GADGETFLOW_METRICS_PORT", "0");
      Process controller = builder.start();
      try {
        awaitLogged(controller, stderr, "now acts on Traces");
        admin.deleteAcls(List.of(readStatus.toFilter())).all().get(30, TimeUnit.SECONDS);
        long revoked = System.nanoTime();

        assertThat(controller.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
            .as("the controller exits once refused:%n%s", Files.readString(stderr))
            .isTrue();
        LOG.info(
            "The controller exited {} ms after its read of the status topic was revoked",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revoked));
        String log = Files.readString(stderr);
        assertThat(controller.exitValue()).as("exit code:%n%s", log).isEqualTo(70);
        assertThat(occurrences(log, "gadgetflow: controller failed, exiting with 70: " + REASON))
            .as("the process says why on stderr, once:%n%s", log)
            .isOne();
        assertThat(occurrences(log, "Role controller failed, the process exits: " + REASON))
            .as("the log says why, once:%n%s", log)
            .isOne();
      } finally {
        controller.destroyForcibly();
      }
    }
  }

  private static AclBinding allowController(String topic, AclOperation operation) {
    return new AclBinding(
        new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
        new AccessControlEntry(
            KafkaRole.CONTROLLER.principal(), "*", operation, AclPermissionType.ALLOW));
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
          .as("the controller exited early:%n%s", Files.readString(stderr))
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
