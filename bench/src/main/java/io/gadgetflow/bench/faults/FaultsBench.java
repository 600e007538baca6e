package io.gadgetflow.bench.faults;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.bench.shared.Directories;
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
 *           broker-lost (three brokers, replication 3, min.insync.replicas 2, one killed for good),
 *           disk-full (a Trace of output mode File on an 8 MiB tmpfs that fills; needs root)
 *   environment: FAULTS_RATE (10000 events/s), FAULTS_STEADY_SECONDS (10),
 *                FAULTS_DOWN_SECONDS (10), FAULTS_AFTER_SECONDS (20 after the recovery)
 * </pre>
 */
public final class FaultsBench {
  private static final String NODE = "faults-node";
  private static final String BEGIN = "<!-- faults-table:begin -->";
  private static final String END = "<!-- faults-table:end -->";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(6);

  /** The disk under the File output of the disk-full fault: some seconds of events. */
  private static final String FULL_DISK = "8m";

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
      String recovery) {

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
              recovery);
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
      faults = List.of("broker-restart", "broker-lost", "disk-full");
    }
    Settings settings = Settings.fromEnvironment(System.getenv());
    List<Figures> figures = new ArrayList<>();
    for (String fault : faults) {
      Figures measured =
          switch (fault) {
            case "broker-restart" -> run(fault, 1, settings, true);
            case "broker-lost" -> run(fault, 3, settings, false);
            case "disk-full" -> diskFull(fault, settings);
            default -> throw new IllegalArgumentException("unknown fault: " + fault);
          };
      System.out.println(measured.row());
      figures.add(measured);
    }
    String note =
        ("%s, `bench/faults/run.sh %s`: %.0f events/s, steady %d s, down %d s, %d s after the"
                + " recovery.")
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
      writeTable(doc, figures, note);
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
        String recovery =
            delivered.recoveredAtMillis() < 0
                ? "none"
                : "%.1f s".formatted((delivered.recoveredAtMillis() - faultEnd) / 1000.0);
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
      Directories.deleteRecursively(dataDir);
    }
  }

  /**
   * The disk under a File output fills while the agent writes: a tmpfs of {@link #FULL_DISK} under
   * the agent's file output directory. The events go on to Kafka; what the file could not take must
   * be reported lost. Delivered counts the events in the file; there is no recovery, the disk stays
   * full.
   */
  private static Figures diskFull(String fault, Settings settings) throws Exception {
    Path directory = Files.createTempDirectory("gadgetflow-faults-file-");
    mount(directory);
    Path dataDir = Files.createTempDirectory("gadgetflow-faults-");
    Vertx vertx = Vertx.vertx();
    try (KafkaCluster cluster =
            KafkaCluster.start(
                dataDir, 1, ContractTopics.DEFAULTS, List.of("-Xmx384m"), START_TIMEOUT);
        NumberedEvents events = new NumberedEvents(settings.rate(), NODE)) {
      String bootstrap = cluster.bootstrapServers();
      vertx
          .deployVerticle(
              new NodeVerticle(
                  NodeConfig.defaults(NODE, bootstrap)
                      .withReportInterval(Duration.ofSeconds(1))
                      .withFileOutputDirectory(directory),
                  null,
                  Clock.systemUTC(),
                  new SimpleMeterRegistry(),
                  events))
          .toCompletionStage()
          .toCompletableFuture()
          .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      String uid = UUID.randomUUID().toString();
      Path file = directory.resolve("events.jsonl");
      TopicNames topics = TopicNames.DEFAULTS;
      try (DeliveredEvents delivered = new DeliveredEvents(bootstrap, topics.events(), uid)) {
        publishStart(bootstrap, topics.control(), uid, OutputMode.FILE, file.toString());
        awaitCondition(() -> delivered.delivered() > 0, START_TIMEOUT, "no event arrived");
        TimeUnit.SECONDS.sleep(settings.steadySeconds() + settings.afterSeconds());
        events.stop();
        long produced = events.emitted() - delivered.first();
        EventCounters[] counters = {EventCounters.NONE};
        awaitCondition(
            () -> {
              counters[0] = lastCounters(bootstrap, topics.status(), uid);
              return counters[0].events() >= produced;
            },
            SETTLE_TIMEOUT,
            null);
        FileLines written = FileLines.of(file, delivered.first());
        return new Figures(
            fault,
            1,
            produced,
            written.distinct(),
            counters[0].lost(),
            written.duplicates(),
            "n/a (stays full)");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      new ProcessBuilder("umount", directory.toString()).inheritIO().start().waitFor();
      Directories.deleteRecursively(directory);
      Directories.deleteRecursively(dataDir);
    }
  }

  /** A tmpfs of {@link #FULL_DISK} on {@code directory}; needs root. */
  private static void mount(Path directory) throws Exception {
    int exit =
        new ProcessBuilder(
                "mount", "-t", "tmpfs", "-o", "size=" + FULL_DISK, "tmpfs", directory.toString())
            .inheritIO()
            .start()
            .waitFor();
    if (exit != 0) {
      throw new IllegalStateException("disk-full needs root to mount a tmpfs on " + directory);
    }
  }

  /** The numbered events a file holds, each counted once, and those it holds twice. */
  private record FileLines(long distinct, long duplicates) {
    static FileLines of(Path file, long first) throws Exception {
      java.util.BitSet seen = new java.util.BitSet();
      long duplicates = 0;
      java.util.regex.Pattern sequence = java.util.regex.Pattern.compile("\"seq\":(\\d+)");
      for (String line : Files.readAllLines(file)) {
        java.util.regex.Matcher found = sequence.matcher(line);
        if (found.find() && line.endsWith("}")) {
          int number = Integer.parseInt(found.group(1));
          if (number < first) {
            continue;
          }
          if (seen.get(number)) {
            duplicates++;
          }
          seen.set(number);
        }
      }
      return new FileLines(seen.cardinality(), duplicates);
    }
  }

  private static void publishStart(String bootstrap, String topic, String uid) throws Exception {
    publishStart(bootstrap, topic, uid, OutputMode.STREAM, null);
  }

  private static void publishStart(
      String bootstrap, String topic, String uid, OutputMode outputMode, String output)
      throws Exception {
    ControlRecord start =
        new ControlRecord(
            "gadget",
            "faults",
            uid,
            1,
            NODE,
            "execsnoop",
            null,
            outputMode,
            output,
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

  /**
   * Puts the rows into {@code doc}'s table between its markers: a fault measured now replaces its
   * row, the others stay; the note of this run (date, command, settings) joins those of earlier
   * runs whose rows are still there.
   */
  private static void writeTable(Path doc, List<Figures> figures, String note) throws Exception {
    String text = Files.readString(doc);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalStateException(doc + " lacks the markers " + BEGIN + " and " + END);
    }
    List<String> measured = figures.stream().map(Figures::fault).toList();
    List<String> rows = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<String> old = text.substring(begin + BEGIN.length(), end).lines().toList();
    for (String line : old) {
      if (line.startsWith("| ") && !line.startsWith("| fault ") && !line.startsWith("| --- ")) {
        String fault = line.substring(2, line.indexOf(" |", 2));
        if (!measured.contains(fault)) {
          rows.add(line);
        }
      } else if (!line.isBlank() && !line.startsWith("|")) {
        notes.add(line);
      }
    }
    figures.forEach(f -> rows.add(f.row()));
    notes.removeIf(
        earlier ->
            measured.stream()
                .allMatch(fault -> earlier.contains("run.sh") && earlier.contains(fault)));
    notes.add(note);
    String table =
        Figures.header() + "\n" + String.join("\n", rows) + "\n\n" + String.join("\n\n", notes);
    Files.writeString(
        doc, text.substring(0, begin + BEGIN.length()) + "\n" + table + "\n" + text.substring(end));
  }
}
