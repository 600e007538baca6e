package io.gadgetflow.faults;

import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.local.kafka.KafkaCluster;
import io.gadgetflow.node.NodeConfig;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Faults of Kafka and of the disk under a node agent that streams numbered events ({@link
 * NumberedEvents}) into one Trace, each run on a cluster of its own whose brokers are processes
 * (killed with SIGKILL), measured by a reader of the events topic ({@link DeliveredEvents}) and the
 * agent's counters on the status topic.
 *
 * <ul>
 *   <li>{@link #brokerRestart}: one broker killed, restarted on its data after the down time;
 *   <li>{@link #brokerLost}: three brokers (replication 3, {@code min.insync.replicas} 2), the
 *       quorum leader killed for good;
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

  private KafkaFaults() {}

  /**
   * What a broker fault did to two Traces of the agent's gadget running at once: one of output mode
   * Stream, read from the events topic, and one of output mode File, whose file on the node does
   * not need Kafka to hold every event.
   */
  public record BrokerFault(FaultFigures stream, FaultFigures file) {}

  /** One broker killed with SIGKILL and restarted on its data after {@code pace.down()}. */
  public static BrokerFault brokerRestart(FaultPace pace, Path scratch) throws Exception {
    return killBroker("broker-restart", 1, pace, scratch, true);
  }

  /**
   * Of three brokers, the one leading the KRaft quorum (the active controller) killed with SIGKILL,
   * never restarted.
   */
  public static BrokerFault brokerLost(FaultPace pace, Path scratch) throws Exception {
    return killBroker("broker-lost", 3, pace, scratch, false);
  }

  private static BrokerFault killBroker(
      String fault, int brokers, FaultPace pace, Path scratch, boolean restart) throws Exception {
    TopicNames topics = TopicNames.DEFAULTS;
    Vertx vertx = Vertx.vertx();
    try (KafkaCluster cluster = FaultSteps.startCluster(scratch, brokers, pace.brokerSettings());
        NumberedEvents events = new NumberedEvents(pace.rate(), NODE)) {
      String bootstrap = cluster.bootstrapServers();
      Path fileDirectory = Files.createDirectories(scratch.resolve("file-output"));
      FaultSteps.deployAgent(
          vertx,
          NodeConfig.defaults(NODE, bootstrap).withFileOutputDirectory(fileDirectory),
          events);
      String uid = UUID.randomUUID().toString();
      String fileUid = UUID.randomUUID().toString();
      Path file = fileDirectory.resolve("events.jsonl");
      try (DeliveredEvents delivered = new DeliveredEvents(bootstrap, topics.events(), uid);
          PublishedOperations operations =
              new PublishedOperations(bootstrap, topics.control(), topics.status(), NODE)) {
        operations.start(uid, "execsnoop", OutputMode.STREAM, null);
        operations.start(fileUid, "execsnoop", OutputMode.FILE, file.toString());
        String stoppedInTheOutage = operations.startProfile();
        String stoppedAfter = operations.startProfile();
        FaultSteps.awaitCondition(
            () -> delivered.delivered() > 0 && file.toFile().length() > 0,
            FaultSteps.START_TIMEOUT,
            "no event arrived");
        FaultSteps.sleep(pace.steady());

        // Of three, the one that leads the KRaft quorum, the worst to lose: an election comes
        // before the dead broker is fenced and its partitions move.
        int killed = cluster.quorumLeader();
        cluster.kill(killed);
        // Operations handed over while the broker is away (or its partitions have no leader yet).
        operations.stop(stoppedInTheOutage);
        String startedInTheOutage = operations.startProfile();
        if (restart) {
          FaultSteps.sleep(pace.down());
        }
        long faultEnd = System.currentTimeMillis();
        if (restart) {
          cluster.restart(killed);
        }
        delivered.awaitRecoveryAfter(faultEnd);
        // However long the recovery takes (a restarted broker recovers its logs first), then on.
        FaultSteps.awaitCondition(
            () -> delivered.recoveredAtMillis() >= 0, FaultSteps.RECOVERY_TIMEOUT, null);
        operations.stop(stoppedAfter);
        operations.stop(startedInTheOutage);
        FaultSteps.sleep(pace.after());
        events.stop();
        long produced = events.emitted() - delivered.first();

        EventCounters counters =
            FaultSteps.awaitSettled(
                bootstrap, topics.status(), uid, produced, () -> delivered.delivered());
        FaultFigures stream =
            new FaultFigures(
                fault,
                brokers,
                produced,
                delivered.delivered(),
                counters.lost(),
                delivered.duplicates(),
                FaultSteps.recovery(delivered, faultEnd));
        operations.awaitAnswered(FaultSteps.SETTLE_TIMEOUT);
        OperationFigures answered = operations.figures(null);

        // The File trace's copy in Kafka settles as the Stream trace's did; its file has no wait.
        FileLines written = FileLines.of(file);
        long producedToFile = events.emitted() - written.first();
        EventCounters fileCounters =
            FaultSteps.awaitSettled(
                bootstrap, topics.status(), fileUid, producedToFile, () -> Long.MAX_VALUE);
        FaultFigures toFile =
            new FaultFigures(
                fault + ", File output",
                brokers,
                producedToFile,
                written.distinct(),
                fileCounters.lost(),
                written.duplicates(),
                "n/a (no outage)");
        return new BrokerFault(stream.withOperations(answered), toFile.withOperations(answered));
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
        FileLines written = FileLines.of(file);
        return new FaultFigures(
            "disk-full",
            1,
            produced,
            written.distinctFrom(delivered.first()),
            counters[0].lost(),
            written.duplicates(),
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
}
