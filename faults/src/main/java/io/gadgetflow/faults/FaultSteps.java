package io.gadgetflow.faults;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.kafka.ControlPartitions;
import io.gadgetflow.local.kafka.ContractTopics;
import io.gadgetflow.local.kafka.KafkaCluster;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import io.gadgetflow.node.trace.GadgetLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The steps every fault takes: start a Trace through the control topic, read its counters, wait.
 */
final class FaultSteps {
  /** The longest wait for a cluster, an agent or the first event of a Trace. */
  static final Duration START_TIMEOUT = Duration.ofMinutes(6);

  /** The longest wait for an event made after the fault's end to arrive. */
  static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(5);

  /** Longer than the producer's delivery timeout (120 s): every event is settled by then. */
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(150);

  /**
   * For the warnings to tell of every loss the settled counters have: an agent warns at most every
   * 100 ms; the rest is room for a busy machine.
   */
  static final Duration WARNINGS_TIMEOUT = Duration.ofSeconds(10);

  private FaultSteps() {}

  /** A cluster of {@code brokers} processes, its data under {@code scratch}. */
  static KafkaCluster startCluster(Path scratch, int brokers) {
    return startCluster(scratch, brokers, Map.of());
  }

  /** As {@link #startCluster(Path, int)}, the brokers with {@code brokerSettings} over ours. */
  static KafkaCluster startCluster(Path scratch, int brokers, Map<String, String> brokerSettings) {
    return KafkaCluster.start(
        scratch.resolve("kafka"),
        brokers,
        ContractTopics.DEFAULTS,
        List.of("-Xmx384m"),
        brokerSettings,
        START_TIMEOUT);
  }

  /**
   * A node agent whose gadgets {@code loader} loads (e.g. {@link NumberedEvents}), reporting its
   * counters every second; returned once it started.
   */
  static NodeVerticle deployAgent(Vertx vertx, NodeConfig config, GadgetLoader loader)
      throws Exception {
    NodeVerticle agent =
        new NodeVerticle(
            config.withReportInterval(Duration.ofSeconds(1)),
            null,
            Clock.systemUTC(),
            new SimpleMeterRegistry(),
            loader);
    vertx
        .deployVerticle(agent)
        .toCompletionStage()
        .toCompletableFuture()
        .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return agent;
  }

  /**
   * Starts an execsnoop Trace of {@code uid} on {@code node} by writing its control record, as the
   * controller would, for a test that runs no controller.
   */
  static void publishStart(
      String bootstrap, String topic, String uid, String node, OutputMode outputMode, String output)
      throws Exception {
    ControlRecord start =
        new ControlRecord(
            "gadget",
            "faults-" + uid.substring(0, 8),
            uid,
            1,
            node,
            "execsnoop",
            null,
            outputMode,
            output,
            Map.of(),
            Operation.START,
            "op-start-" + UUID.randomUUID(),
            true,
            Instant.now());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      // In the node's partition, as the controller places it.
      int partition = ControlPartitions.of(producer, topic, node);
      producer
          .send(new ProducerRecord<>(topic, partition, uid, Json.encode(start)))
          .get(60, TimeUnit.SECONDS);
    }
  }

  /** The counters of the agent's last report on the trace, read from the whole status topic. */
  static EventCounters lastCounters(String bootstrap, String topic, String uid) {
    try {
      EventCounters last = EventCounters.NONE;
      Instant lastTime = Instant.MIN;
      for (ConsumerRecord<String, byte[]> record :
          readAll(bootstrap, topic, Duration.ofSeconds(30))) {
        if (uid.equals(record.key()) && record.value() != null) {
          NodeReport report = Json.decode(record.value(), NodeReport.class);
          if (report.time() != null && !report.time().isBefore(lastTime)) {
            lastTime = report.time();
            last = report.counters();
          }
        }
      }
      return last;
    } catch (RuntimeException e) {
      return EventCounters.NONE;
    }
  }

  /**
   * Every record of {@code topic}, from the beginning of each partition to where it ends now, or as
   * many as {@code timeout} allows.
   */
  static List<ConsumerRecord<String, byte[]>> readAll(
      String bootstrap, String topic, Duration timeout) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "faults-reader"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
      return records;
    }
  }

  /**
   * The agent's counters once every event made is settled: each counted as delivered or lost, and
   * every one counted delivered read by the events' reader ({@code deliveredSoFar}).
   */
  static EventCounters awaitSettled(
      String bootstrap, String statusTopic, String uid, long produced, LongSupplier deliveredSoFar)
      throws InterruptedException {
    EventCounters[] counters = {EventCounters.NONE};
    awaitCondition(
        () -> {
          counters[0] = lastCounters(bootstrap, statusTopic, uid);
          return counters[0].events() + counters[0].lost() >= produced
              && deliveredSoFar.getAsLong() >= counters[0].events();
        },
        SETTLE_TIMEOUT,
        null);
    return counters[0];
  }

  /**
   * The fault's phases: events flow at the pace for this long, on purpose, not awaiting a state.
   */
  static void sleep(Duration phase) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(phase.toMillis());
  }

  static void awaitCondition(BooleanSupplier condition, Duration timeout, String failure)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        if (failure != null) {
          throw new IllegalStateException(failure + " within " + timeout);
        }
        return;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }
}
