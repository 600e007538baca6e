package io.gadgetflow.e2e;

import static io.gadgetflow.testing.KafkaRefusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.gadgetflow.api.kafka.KafkaRole;
import io.gadgetflow.api.kafka.TopicNames;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The cluster's Kafka is locked as {@code k8s/install} is by default: TLS with each role's own
 * SCRAM user, from the Secret its pods mount, and ACLs that allow each role only what it does. Each
 * refusal beside the same principal's allowed path; the other tests of the tier are the roles'
 * whole paths working (kubectl gadget as the viewer, traces on pods, the dashboard).
 */
@WithGadgetFlowCluster
@Order(50)
class KafkaAccessIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final TopicNames TOPICS = TopicNames.DEFAULTS;
  private static final String NAMESPACE = "gadget";

  @Test
  void aClientWithoutTheCredentialsIsRefusedWhileTheViewerReads(GadgetFlowCluster cluster)
      throws IOException {
    Properties viewer = new Properties();
    try (Reader reader = Files.newBufferedReader(cluster.viewerKafkaProperties())) {
      viewer.load(reader);
    }
    assertThat(viewer.getProperty("security.protocol")).isEqualTo("SASL_SSL");
    assertThat(partitions(cluster, viewer, TOPICS.events())).isNotEmpty();

    Properties guessing = new Properties();
    guessing.putAll(viewer);
    guessing.setProperty(
        "sasl.jaas.config",
        viewer
            .getProperty("sasl.jaas.config")
            .replaceFirst("password=\"[^\"]*\"", "password=\"guessed\""));
    assertThatThrownBy(() -> partitions(cluster, guessing, TOPICS.events()))
        .isInstanceOf(SaslAuthenticationException.class);

    // Neither TLS nor a login, as the manifests' opt-out and the cluster's Kafka before had it.
    Properties anonymous = new Properties();
    anonymous.setProperty("security.protocol", "PLAINTEXT");
    assertThatThrownBy(() -> partitions(cluster, anonymous, TOPICS.events(), Duration.ofSeconds(5)))
        .isInstanceOf(TimeoutException.class);
  }

  @Test
  void theNodePrincipalCannotWriteControlButReadsIt(GadgetFlowCluster cluster) {
    Properties node = loginFromSecret(cluster, KafkaRole.NODE);

    assertThat(readFromBeginning(cluster, node, TOPICS.control()))
        .as("the node agent reads its commands")
        .isPositive();
    assertRefused(() -> send(cluster, node, TOPICS.control()));
  }

  @Test
  void theWebPrincipalCannotProduceEventsButReadsThem(GadgetFlowCluster cluster) {
    Properties web = loginFromSecret(cluster, KafkaRole.WEB);

    assertThat(readFromBeginning(cluster, web, TOPICS.events()))
        .as("the web UI reads events")
        .isPositive();
    assertRefused(() -> send(cluster, web, TOPICS.events()));
  }

  @Test
  void eachRolesPodsMountTheirOwnRolesSecretOnly(GadgetFlowCluster cluster) {
    for (KafkaRole role : List.of(KafkaRole.NODE, KafkaRole.CONTROLLER, KafkaRole.WEB)) {
      String component = role.name().toLowerCase(Locale.ROOT);
      List<Pod> pods =
          cluster
              .client()
              .pods()
              .inNamespace(NAMESPACE)
              .withLabel("app.kubernetes.io/component", component)
              .list()
              .getItems();
      assertThat(pods).as("pods of %s", component).isNotEmpty();
      for (Pod pod : pods) {
        assertThat(secretsOf(pod))
            .as("the Secrets pod %s uses", pod.getMetadata().getName())
            .isNotEmpty()
            .containsOnly(secretName(role));
      }
    }
  }

  private static List<String> secretsOf(Pod pod) {
    List<String> secrets = new ArrayList<>();
    pod.getSpec()
        .getVolumes()
        .forEach(
            volume -> {
              if (volume.getSecret() != null) {
                secrets.add(volume.getSecret().getSecretName());
              }
            });
    pod.getSpec()
        .getContainers()
        .forEach(
            container ->
                container
                    .getEnv()
                    .forEach(
                        variable -> {
                          if (variable.getValueFrom() != null
                              && variable.getValueFrom().getSecretKeyRef() != null) {
                            secrets.add(variable.getValueFrom().getSecretKeyRef().getName());
                          }
                        }));
    return secrets;
  }

  private static String secretName(KafkaRole role) {
    return "gadgetflow-kafka-" + role.name().toLowerCase(Locale.ROOT);
  }

  /** What the role's pods log in with: their Secret's user, password and authority. */
  private static Properties loginFromSecret(GadgetFlowCluster cluster, KafkaRole role) {
    Secret secret =
        cluster.client().secrets().inNamespace(NAMESPACE).withName(secretName(role)).get();
    assertThat(secret).as("Secret %s", secretName(role)).isNotNull();
    Properties login = new Properties();
    login.setProperty("security.protocol", "SASL_SSL");
    login.setProperty("sasl.mechanism", "SCRAM-SHA-512");
    login.setProperty(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"%s\" password=\"%s\";"
            .formatted(decoded(secret, "username"), decoded(secret, "password")));
    login.setProperty("ssl.truststore.type", "PEM");
    login.setProperty("ssl.truststore.certificates", decoded(secret, "ca.crt"));
    return login;
  }

  private static String decoded(Secret secret, String key) {
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static List<PartitionInfo> partitions(
      GadgetFlowCluster cluster, Properties login, String topic) {
    return partitions(cluster, login, topic, WAIT);
  }

  private static List<PartitionInfo> partitions(
      GadgetFlowCluster cluster, Properties login, String topic, Duration timeout) {
    try (KafkaConsumer<String, String> consumer = consumer(cluster, login)) {
      return consumer.partitionsFor(topic, timeout);
    }
  }

  /**
   * Reads every partition of {@code topic} from its beginning, without a group (as the node agent
   * reads control, the web UI events), until records come or {@link #WAIT} passed; how many came.
   * The tier's first gadget run left records in both topics.
   */
  private static int readFromBeginning(GadgetFlowCluster cluster, Properties login, String topic) {
    try (KafkaConsumer<String, String> consumer = consumer(cluster, login)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, WAIT).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + WAIT.toNanos();
      int count = 0;
      while (count == 0 && System.nanoTime() < deadline) {
        count = consumer.poll(Duration.ofMillis(500)).count();
      }
      return count;
    }
  }

  private static KafkaConsumer<String, String> consumer(
      GadgetFlowCluster cluster, Properties login) {
    Properties config = new Properties();
    config.putAll(login);
    config.setProperty("bootstrap.servers", cluster.kafkaBootstrapServers());
    config.setProperty("enable.auto.commit", "false");
    config.setProperty("client.id", "e2e-kafka-access");
    return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
  }

  private static void send(GadgetFlowCluster cluster, Properties login, String topic)
      throws Exception {
    Properties config = new Properties();
    config.putAll(login);
    config.setProperty("bootstrap.servers", cluster.kafkaBootstrapServers());
    config.setProperty("max.block.ms", Long.toString(WAIT.toMillis()));
    config.setProperty("client.id", "e2e-kafka-access");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer
          .send(new ProducerRecord<>(topic, "e2e-forged", "{\"forged\":true}"))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }
}
