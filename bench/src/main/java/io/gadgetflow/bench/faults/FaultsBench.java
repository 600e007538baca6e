package io.gadgetflow.bench.faults;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.local.kafka.ContractTopics;
import io.gadgetflow.local.kafka.KafkaCluster;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
 * The fault suite (issue 20): a node agent streams a steady rate of numbered events into a Trace
 * while a fault strikes Kafka, and a reader of the events topic counts what arrived. For each
 * fault: events produced, delivered, reported lost (the agent's counters on the status topic),
 * duplicated, lost without a word (produced, neither delivered nor reported), and the time from the
 * fault's end until an event made after it arrived. Prints one Markdown table row per fault and,
 * given a file, puts the table into it between its markers.
 *
 * <pre>
 *   FaultsBench [--doc docs/reliability.md] [FAULT...]
 *   faults: broker-restart (one broker, kill -9, down FAULTS_DOWN_SECONDS, restarted),
 *           broker-lost (three brokers, replication 3, min.insync.replicas 2, one killed for good)
 *   environment: FAULTS_RATE (10000 events/s), FAULTS_STEADY_SECONDS (10),
 *                FAULTS_DOWN_SECONDS (10), FAULTS_AFTER_SECONDS (20 after the recovery)
 * </pre>
 */
public final class FaultsBench {
  private static final String NODE = "faults-node";
  private static final String BEGIN = "<!-- faults-table:begin -->";
  private static final String END = "<!-- faults-table:end -->";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(6);

  /** The longest wait for an event made after the fault's end to arrive. */
  private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(5);

  /** Longer than the producer's delivery timeout (120 s): every event is settled by then. */
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(150);

  private record Settings(double rate, int steadySeconds, int downSeconds, int afterSeconds) {
    static Settings fromEnvironment(Map<String, String> env) {
      return new Settings(
          Double.parseDouble(env.getOrDefault("FAULTS_RATE", "10000")),
          Integer.parseInt(env.getOrDefault("FAULTS_STEADY_SECONDS", "10")),
          Integer.parseInt(env.getOrDefault("FAULTS_DOWN_SECONDS", "10")),
          Integer.parseInt(env.getOrDefault("FAULTS_AFTER_SECONDS", "20")));
    }
  }

  /** What one fault did to the stream of events. */
  record Figures(
      String fault,
      int brokers,
      long produced,
      long delivered,
      long reportedLost,
      long duplicated,
      long recoveryMillis) {

    /** Produced events that neither arrived nor were reported lost. */
    long silentlyLost() {
      return Math.max(0, produced - delivered - reportedLost);
    }

    static String header() {
      return "| fault | brokers | produced | delivered | reported lost | duplicated"
          + " | lost without a word | recovery |\n"
          + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
    }

    String row() {
      return "| %s | %d | %d | %d | %d | %d | %d | %s |"
          .formatted(
              fault,
              brokers,
              produced,
              delivered,
              reportedLost,
              duplicated,
              silentlyLost(),
              recoveryMillis < 0 ? "none" : "%.1f s".formatted(recoveryMillis / 1000.0));
    }
  }

  private FaultsBench() {}

  public static void main(String[] args) throws Exception {
    Path doc = null;
    List<String> faults = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--doc")) {
        doc = Path.of(args[++i]);
      } else {
        faults.add(args[i]);
      }
    }
    if (faults.isEmpty()) {
      faults = List.of("broker-restart", "broker-lost");
    }
    Settings settings = Settings.fromEnvironment(System.getenv());
    List<Figures> figures = new ArrayList<>();
    for (String fault : faults) {
      Figures measured =
          switch (fault) {
            case "broker-restart" -> run(fault, 1, settings, true);
            case "broker-lost" -> run(fault, 3, settings, false);
            default -> throw new IllegalArgumentException("unknown fault: " + fault);
          };
      System.out.println(measured.row());
      figures.add(measured);
    }
    String table =
        Figures.header()
            + "\n"
            + String.join("\n", figures.stream().map(Figures::row).toList())
            + "\n\n"
            + "%s, `bench/faults/run.sh %s`, %.0f events/s, steady %d s, down %d s, %d s after the"
            + " recovery."
                .formatted(
                    LocalDate.now(ZoneOffset.UTC),
                    String.join(" ", faults),
                    settings.rate(),
                    settings.steadySeconds(),
                    settings.downSeconds(),
                    settings.afterSeconds());
    System.out.println(Figures.header());
    figures.forEach(f -> System.out.println(f.row()));
    if (doc != null) {
      writeTable(doc, table);
    }
    boolean lossless = figures.stream().allMatch(f -> f.silentlyLost() == 0);
    System.exit(lossless ? 0 : 1);
  }

  /**
   * One fault: a cluster of {@code brokers}, the agent streaming, then its first broker killed;
   * restarted after the down time when {@code restart}, else lost for good.
   */
  private static Figures run(String fault, int brokers, Settings settings, boolean restart)
      throws Exception {
    Path dataDir = Files.createTempDirectory("gadgetflow-faults-");
    TopicNames topics = TopicNames.DEFAULTS;
    Vertx vertx = Vertx.vertx();
    try (KafkaCluster cluster =
            KafkaCluster.start(
                dataDir, brokers, ContractTopics.DEFAULTS, List.of("-Xmx384m"), START_TIMEOUT);
        NumberedEvents events = new NumberedEvents(settings.rate(), NODE)) {
      String bootstrap = cluster.bootstrapServers();
      vertx
          .deployVerticle(
              new NodeVerticle(
                  NodeConfig.defaults(NODE, bootstrap).withReportInterval(Duration.ofSeconds(1)),
                  null,
                  Clock.systemUTC(),
                  new SimpleMeterRegistry(),
                  events))
          .toCompletionStage()
          .toCompletableFuture()
          .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      String uid = UUID.randomUUID().toString();
      try (DeliveredEvents delivered = new DeliveredEvents(bootstrap, topics.events(), uid)) {
        publishStart(bootstrap, topics.control(), uid);
        awaitCondition(() -> delivered.delivered() > 0, START_TIMEOUT, "no event arrived");
        TimeUnit.SECONDS.sleep(settings.steadySeconds());

        cluster.kill(1);
        long faultEnd;
        if (restart) {
          TimeUnit.SECONDS.sleep(settings.downSeconds());
          faultEnd = System.currentTimeMillis();
          cluster.restart(1);
        } else {
          faultEnd = System.currentTimeMillis();
        }
        delivered.awaitRecoveryAfter(faultEnd);
        // However long the recovery takes (a restarted broker recovers its logs first), then on.
        awaitCondition(() -> delivered.recoveredAtMillis() >= 0, RECOVERY_TIMEOUT, null);
        TimeUnit.SECONDS.sleep(settings.afterSeconds());
        events.stop();
        long produced = events.emitted() - delivered.first();

        // Every event is settled once the agent's counters account for all of them.
        EventCounters[] counters = {EventCounters.NONE};
        awaitCondition(
            () -> {
              counters[0] = lastCounters(bootstrap, topics.status(), uid);
              return counters[0].events() + counters[0].lost() >= produced
                  && delivered.delivered() >= counters[0].events();
            },
            SETTLE_TIMEOUT,
            null);
        long recovery =
            delivered.recoveredAtMillis() < 0 ? -1 : delivered.recoveredAtMillis() - faultEnd;
        return new Figures(
            fault,
            brokers,
            produced,
            delivered.delivered(),
            counters[0].lost(),
            delivered.duplicates(),
            recovery);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private static void publishStart(String bootstrap, String topic, String uid) throws Exception {
    ControlRecord start =
        new ControlRecord(
            "gadget",
            "faults",
            uid,
            1,
            NODE,
            "execsnoop",
            null,
            OutputMode.STREAM,
            null,
            Map.of(),
            Operation.START,
            "op-start",
            true,
            Instant.now());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, uid, Json.encode(start))).get(60, TimeUnit.SECONDS);
    }
  }

  /** The counters of the agent's last report on the trace, read from the whole status topic. */
  private static EventCounters lastCounters(String bootstrap, String topic, String uid) {
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "faults-status"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      EventCounters last = EventCounters.NONE;
      Instant lastTime = Instant.MIN;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (uid.equals(record.key()) && record.value() != null) {
            NodeReport report = Json.decode(record.value(), NodeReport.class);
            if (report.time() != null && !report.time().isBefore(lastTime)) {
              lastTime = report.time();
              last = report.counters();
            }
          }
        }
      }
      return last;
    } catch (RuntimeException e) {
      return EventCounters.NONE;
    }
  }

  private static void awaitCondition(BooleanSupplier condition, Duration timeout, String failure)
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

  private static void writeTable(Path doc, String table) throws Exception {
    String text = Files.readString(doc);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalStateException(doc + " lacks the markers " + BEGIN + " and " + END);
    }
    Files.writeString(
        doc, text.substring(0, begin + BEGIN.length()) + "\n" + table + "\n" + text.substring(end));
  }
}
