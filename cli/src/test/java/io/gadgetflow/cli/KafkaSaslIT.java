package io.gadgetflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.testing.StreamTraceStarts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent against a Kafka that requires SASL, set up only through {@code GADGETFLOW_KAFKA_*}
 * variables as the ConfigMap and Secret give them: it reads its control topic, answers on the
 * status topic and sends events, all signed in.
 */
class KafkaSaslIT {
  private static final List<String> TOPICS =
      List.of("gadget.control", "gadget.status", "gadget.events");
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void theNodeAgentSignsInToKafkaWithSasl() throws Exception {
    try (SaslBroker broker = SaslBroker.start(dir.resolve("kafka"), TOPICS)) {
      String node = "sasl-" + UUID.randomUUID().toString().substring(0, 8);
      Path stderr = dir.resolve("node.log");
      ProcessBuilder builder =
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElse("java"),
                  "--enable-native-access=ALL-UNNAMED",
                  "--sun-misc-unsafe-memory-access=allow",
                  "-jar",
                  UpProcess.JAR.toString(),
                  "node")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(stderr.toFile());
      Map<String, String> env = builder.environment();
      env.put("GADGETFLOW_NODE_NAME", node);
      env.put("GADGETFLOW_METRICS_PORT", "0");
      env.put("GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
      env.put("GADGETFLOW_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
      env.put("GADGETFLOW_KAFKA_SASL_MECHANISM", "PLAIN");
      env.put("GADGETFLOW_KAFKA_SASL_USERNAME", SaslBroker.USER);
      env.put("GADGETFLOW_KAFKA_SASL_PASSWORD", SaslBroker.PASSWORD);
      Process agent = builder.start();
      try {
        String uid = UUID.randomUUID().toString();
        publishStart(broker, node, uid);
        String marker = "gadgetflow-sasl-" + UUID.randomUUID();
        assertThat(awaitRecord(broker, "gadget.status", uid, "\"Started\"", null, agent, stderr))
            .doesNotContain("\"operationError\":\"");
        assertThat(awaitRecord(broker, "gadget.events", uid, marker, marker, agent, stderr))
            .contains("\"node\":\"" + node + "\"");
      } finally {
        agent.destroy();
        if (!agent.waitFor(30, TimeUnit.SECONDS)) {
          agent.destroyForcibly();
        }
      }
    }
  }

  private static void publishStart(SaslBroker broker, String node, String uid) throws Exception {
    ControlRecord start =
        StreamTraceStarts.of(
            "sasl-exec", uid, node, "execsnoop", UUID.randomUUID().toString(), Instant.now());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            broker.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("gadget.control", uid, Json.encode(start))).get();
    }
  }

  /**
   * Reads {@code topic} until a record of the trace contains {@code text}; runs a process carrying
   * {@code marker} on each pass when one is given, so the exec gadget has something to see.
   */
  private static String awaitRecord(
      SaslBroker broker,
      String topic,
      String uid,
      String text,
      String marker,
      Process agent,
      Path stderr)
      throws Exception {
    Map<String, Object> config = new HashMap<>(broker.clientConfig());
    config.put("enable.auto.commit", false);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      List<String> seen = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        assertThat(agent.isAlive())
            .as("the node agent exited:%n%s", Files.readString(stderr))
            .isTrue();
        if (marker != null) {
          new ProcessBuilder("/bin/true", marker).start().waitFor();
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          if (uid.equals(record.key()) && record.value().contains(text)) {
            return record.value();
          }
          if (seen.size() < 5) {
            seen.add(record.value());
          }
        }
      }
      throw new AssertionError(
          "no record with %s on %s; seen %s; agent log:%n%s"
              .formatted(text, topic, seen, Files.readString(stderr)));
    }
  }
}
