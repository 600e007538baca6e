package io.gadgetflow.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.cli.monitoring.Monitoring;
import io.gadgetflow.cli.monitoring.MonitoringConfig;
import io.gadgetflow.kafka.ControlPartitions;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The training run of the node image's AOT cache (JDK 25: JEP 483, 514 and 515), which
 * k8s/images/train-node.sh runs under {@code -XX:AOTMode=record} when the image is built. The agent
 * loads and links its classes from the cache, and the JIT compiles what the training compiled with
 * the training's method profiles as soon as it runs, instead of profiling it first: the event path
 * and Kafka's producer, which a fresh agent otherwise compiles during its first minutes of events,
 * at up to half its CPU (docs/benchmarks.md, "2026-12-07 afternoon").
 *
 * <p>An image's build has no kernel to trace and no broker, so the training brings both along: a
 * KRaft broker in a JVM of its own ({@link TrainingBroker}: the launcher's, as {@code gadgetflow
 * up} runs it) and, for gadgets, {@link TrainingEvents}. The agent is {@code gadgetflow node}'s:
 * its {@link NodeVerticle}, the registry its {@code /metrics} shows, the event form of the
 * environment (the script gives it the DaemonSet's). It traces opensnoop and execsnoop, as the
 * controller starts a trace (a record on the control topic), for {@link #DURATION} at {@link
 * #EVENTS_PER_SECOND} events a second each, then the traces end and the agent stops. Left out:
 * loading BPF programs, reading their ring buffers and decoding their records, which the agent
 * compiles as it runs.
 *
 * <p>Exits 0 once the agent delivered events, 1 otherwise; the JVM writes the training's record as
 * it exits.
 */
public final class NodeTraining {
  private static final String NODE = "aot-training";
  private static final long EVENTS_PER_SECOND = 100_000;
  private static final Duration DURATION = Duration.ofSeconds(15);
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);
  private static final List<GadgetDescriptor> GADGETS =
      List.of(GadgetCatalog.OPENSNOOP, GadgetCatalog.EXECSNOOP);

  private NodeTraining() {}

  public static void main(String[] args) {
    int status = 0;
    try {
      Path work = Files.createTempDirectory("gadgetflow-node-training-");
      try {
        long records = train(work);
        System.out.printf("node training: the agent sent %,d records of events%n", records);
        if (records == 0) {
          status = 1;
        }
      } finally {
        deleteRecursively(work);
      }
    } catch (Exception | Error e) {
      e.printStackTrace();
      status = 1;
    }
    // Kafka's and Vert.x's threads may outlive main; the JVM writes the training's record at exit.
    System.exit(status);
  }

  /** Runs the agent's traces and returns the records the broker has on the events topic. */
  private static long train(Path work) throws Exception {
    try (TrainingBroker kafka = TrainingBroker.start(work.resolve("kafka"))) {
      NodeConfig config =
          NodeConfig.fromEnvironment(
              Map.of(
                  "GADGETFLOW_NODE_NAME", NODE,
                  "GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                  "GADGETFLOW_CONTAINER_AWARENESS", "false",
                  "GADGETFLOW_NODE_KEY_DIRECTORY", work.resolve("keys").toString(),
                  "GADGETFLOW_FILE_OUTPUT_DIRECTORY", work.resolve("output").toString(),
                  "GADGETFLOW_EVENT_FORM",
                      System.getenv().getOrDefault("GADGETFLOW_EVENT_FORM", "record")),
              NODE);
      Monitoring monitoring = new Monitoring(new MonitoringConfig(MonitoringConfig.LOOPBACK, 0));
      TrainingEvents events = new TrainingEvents(EVENTS_PER_SECOND, DURATION);
      Vertx vertx = Vertx.vertx();
      try {
        await(monitoring.start(vertx));
        await(
            vertx.deployVerticle(
                new NodeVerticle(config, null, Clock.systemUTC(), monitoring.registry(), events)));
        try (KafkaProducer<byte[], byte[]> control =
            new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
          List<String> traces =
              GADGETS.stream().map(gadget -> startTrace(control, gadget)).toList();
          events.awaitEmitted(GADGETS.size(), DURATION.plus(STEP_TIMEOUT));
          for (String uid : traces) {
            // A tombstone, as the controller writes for a deleted Trace.
            control
                .send(controlRecord(control, uid, null))
                .get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          }
        }
      } finally {
        await(vertx.close());
      }
      return eventRecords(kafka);
    }
  }

  private static String startTrace(KafkaProducer<byte[], byte[]> control, GadgetDescriptor gadget) {
    String uid = UUID.randomUUID().toString();
    ControlRecord start =
        ControlRecord.streamStart(
            "training-" + gadget.name(),
            uid,
            NODE,
            gadget.name(),
            null,
            UUID.randomUUID().toString(),
            Instant.now());
    try {
      control
          .send(controlRecord(control, uid, Json.encode(start)))
          .get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the training's trace of " + gadget.name(), e);
    }
    return uid;
  }

  /** A record of the training node's trace {@code uid}, placed as the controller places it. */
  private static ProducerRecord<byte[], byte[]> controlRecord(
      KafkaProducer<byte[], byte[]> control, String uid, byte[] value) {
    String topic = TopicNames.DEFAULTS.control();
    return new ProducerRecord<>(
        topic, ControlPartitions.of(control, topic, NODE), uid.getBytes(UTF_8), value);
  }

  private static long eventRecords(TrainingBroker kafka) throws Exception {
    String topic = TopicNames.DEFAULTS.events();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetSpec> latest =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .stream()
              .collect(
                  Collectors.toMap(
                      partition -> new TopicPartition(topic, partition.partition()),
                      partition -> OffsetSpec.latest()));
      return admin.listOffsets(latest).all().get().values().stream()
          .mapToLong(offsets -> offsets.offset())
          .sum();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future
        .toCompletionStage()
        .toCompletableFuture()
        .get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static void deleteRecursively(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
