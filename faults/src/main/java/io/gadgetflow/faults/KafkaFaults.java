package io.gadgetflow.faults;

import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.local.kafka.KafkaCluster;
import io.gadgetflow.node.NodeConfig;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Faults of Kafka and of the disk under a node agent that streams numbered events ({@link
 * NumberedEvents}) into one Trace, each run on a cluster of its own whose brokers are processes
 * (killed with SIGKILL), measured by a reader of the events topic ({@link DeliveredEvents}) and the
 * agent's counters on the status topic.
 *
 * <ul>
 *   <li>{@link #brokerRestart}: one broker killed, restarted on its data after the down time;
 *   <li>{@link #brokerLost}: three brokers (replication 3, {@code min.insync.replicas} 2), one
 *       killed for good;
 *   <li>{@link #diskFull}: a Trace of output mode File on a small tmpfs that fills (needs root).
 * </ul>
 */
public final class KafkaFaults {
  private static final String NODE = "faults-node";

  /**
   * Bytes of the disk under the File output of the disk-full fault per event of the steady phase:
   * an event's line takes more than this, so the disk fills before the steady phase ends.
   */
  private static final long DISK_BYTES_PER_STEADY_EVENT = 64;

  private static final Pattern SEQUENCE = Pattern.compile("\"seq\":(\\d+)");

  private KafkaFaults() {}

  /** One broker killed with SIGKILL and restarted on its data after {@code pace.down()}. */
  public static FaultFigures brokerRestart(FaultPace pace, Path scratch) throws Exception {
    return killFirstBroker("broker-restart", 1, pace, scratch, true);
  }

  /** The first of three brokers killed with SIGKILL, never restarted. */
  public static FaultFigures brokerLost(FaultPace pace, Path scratch) throws Exception {
    return killFirstBroker("broker-lost", 3, pace, scratch, false);
  }

  private static FaultFigures killFirstBroker(
      String fault, int brokers, FaultPace pace, Path scratch, boolean restart) throws Exception {
    TopicNames topics = TopicNames.DEFAULTS;
    Vertx vertx = Vertx.vertx();
    try (KafkaCluster cluster = FaultSteps.startCluster(scratch, brokers);
        NumberedEvents events = new NumberedEvents(pace.rate(), NODE)) {
      String bootstrap = cluster.bootstrapServers();
      FaultSteps.deployAgent(vertx, NodeConfig.defaults(NODE, bootstrap), events);
      String uid = UUID.randomUUID().toString();
      try (DeliveredEvents delivered = new DeliveredEvents(bootstrap, topics.events(), uid)) {
        FaultSteps.publishStart(bootstrap, topics.control(), uid, NODE, OutputMode.STREAM, null);
        FaultSteps.awaitCondition(
            () -> delivered.delivered() > 0, FaultSteps.START_TIMEOUT, "no event arrived");
        FaultSteps.sleep(pace.steady());

        cluster.kill(1);
        if (restart) {
          FaultSteps.sleep(pace.down());
        }
        long faultEnd = System.currentTimeMillis();
        if (restart) {
          cluster.restart(1);
        }
        delivered.awaitRecoveryAfter(faultEnd);
        // However long the recovery takes (a restarted broker recovers its logs first), then on.
        FaultSteps.awaitCondition(
            () -> delivered.recoveredAtMillis() >= 0, FaultSteps.RECOVERY_TIMEOUT, null);
        FaultSteps.sleep(pace.after());
        events.stop();
        long produced = events.emitted() - delivered.first();

        EventCounters counters =
            FaultSteps.awaitSettled(
                bootstrap, topics.status(), uid, produced, () -> delivered.delivered());
        return new FaultFigures(
            fault,
            brokers,
            produced,
            delivered.delivered(),
            counters.lost(),
            delivered.duplicates(),
            FaultSteps.recovery(delivered, faultEnd));
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /**
   * The disk under a File output fills while the agent writes: a tmpfs under the agent's file
   * output directory, of {@link #DISK_BYTES_PER_STEADY_EVENT} per event of the steady phase. The
   * events go on to Kafka; what the file could not take must be reported lost. Delivered counts the
   * events in the file; there is no recovery, the disk stays full. Needs root, to mount the tmpfs.
   */
  public static FaultFigures diskFull(FaultPace pace, Path scratch) throws Exception {
    Path directory = Files.createDirectories(scratch.resolve("file-output"));
    long steadyEvents = (long) (pace.rate() * pace.steady().toMillis() / 1000);
    mount(directory, steadyEvents * DISK_BYTES_PER_STEADY_EVENT);
    Vertx vertx = Vertx.vertx();
    try (KafkaCluster cluster = FaultSteps.startCluster(scratch, 1);
        NumberedEvents events = new NumberedEvents(pace.rate(), NODE)) {
      String bootstrap = cluster.bootstrapServers();
      FaultSteps.deployAgent(
          vertx, NodeConfig.defaults(NODE, bootstrap).withFileOutputDirectory(directory), events);
      String uid = UUID.randomUUID().toString();
      Path file = directory.resolve("events.jsonl");
      TopicNames topics = TopicNames.DEFAULTS;
      try (DeliveredEvents delivered = new DeliveredEvents(bootstrap, topics.events(), uid)) {
        FaultSteps.publishStart(
            bootstrap, topics.control(), uid, NODE, OutputMode.FILE, file.toString());
        FaultSteps.awaitCondition(
            () -> delivered.delivered() > 0, FaultSteps.START_TIMEOUT, "no event arrived");
        FaultSteps.sleep(pace.steady().plus(pace.after()));
        events.stop();
        long produced = events.emitted() - delivered.first();
        EventCounters[] counters = {EventCounters.NONE};
        FaultSteps.awaitCondition(
            () -> {
              counters[0] = FaultSteps.lastCounters(bootstrap, topics.status(), uid);
              return counters[0].events() >= produced;
            },
            FaultSteps.SETTLE_TIMEOUT,
            null);
        BitSet written = new BitSet();
        long duplicates = readFile(file, delivered.first(), written);
        return new FaultFigures(
            "disk-full",
            1,
            produced,
            written.cardinality(),
            counters[0].lost(),
            duplicates,
            "n/a (stays full)");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      new ProcessBuilder("umount", directory.toString()).inheritIO().start().waitFor();
    }
  }

  /** A tmpfs of {@code bytes} on {@code directory}; needs root. */
  private static void mount(Path directory, long bytes) throws Exception {
    int exit =
        new ProcessBuilder(
                "mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", directory.toString())
            .inheritIO()
            .start()
            .waitFor();
    if (exit != 0) {
      throw new IllegalStateException("disk-full needs root to mount a tmpfs on " + directory);
    }
  }

  /**
   * Notes in {@code seen} the numbered events from {@code first} on that the file holds in whole
   * lines; returns how many it holds more than once.
   */
  private static long readFile(Path file, long first, BitSet seen) throws Exception {
    long duplicates = 0;
    for (String line : Files.readAllLines(file)) {
      Matcher found = SEQUENCE.matcher(line);
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
    return duplicates;
  }
}
