package io.gadgetflow.faults;

import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.controller.leader.LeaderElection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Faults of Kafka and of the disk under the node agent, struck while the real controller drives
 * Traces of every output mode ({@link OperationsAround}), each on a cluster of its own whose
 * brokers are processes (killed with SIGKILL, paused with SIGSTOP):
 *
 * <ul>
 *   <li>{@link #brokerRestart}: one broker killed, restarted on its data after the down time;
 *   <li>{@link #brokerLost}: three brokers (replication 3, {@code min.insync.replicas} 2), one
 *       killed for good: the quorum's leader, or another;
 *   <li>{@link #brokerPause}: three brokers, the quorum's leader stopped for {@link #BROKER_PAUSE},
 *       longer than the clusters' broker session (3 s) and quorum fetch timeout (1 s), then let go;
 *   <li>{@link #diskFull}: the File Trace's directory a small tmpfs that fills (needs root).
 * </ul>
 */
public final class KafkaFaults {
  /**
   * How long {@link #brokerPause} stops a broker: longer than the broker session (3 s) and the
   * quorum fetch timeout (1 s) of the clusters GadgetFlow configures, so that it is fenced and, the
   * quorum's leader, replaced; as long as a long GC pause or a starved machine's stall.
   */
  public static final Duration BROKER_PAUSE = Duration.ofSeconds(5);

  /** The longest wait for a paused broker to take part in the cluster again once let go. */
  private static final Duration BACK_WITHIN = Duration.ofSeconds(60);

  /**
   * Bytes of the disk under the File output of the disk-full fault per event of the steady phase:
   * an event's line takes more than this, so the disk fills before the steady phase ends.
   */
  private static final long DISK_BYTES_PER_STEADY_EVENT = 64;

  private KafkaFaults() {}

  /** One broker killed with SIGKILL and restarted on its data after {@code pace.down()}. */
  public static PlatformFault brokerRestart(FaultPace pace, Path scratch) throws Exception {
    return withOneController(
        "broker-restart",
        pace,
        scratch,
        FaultPlatform.Shape.ONE_BROKER,
        new EventsStopped() {
          @Override
          public long strike(FaultPlatform platform, DeliveredEvents delivered, Runnable during)
              throws Exception {
            platform.kafka.kill(1);
            during.run();
            FaultSteps.sleep(pace.down());
            long restartedAt = System.nanoTime();
            delivered.awaitRecoveryAfter(System.currentTimeMillis());
            platform.kafka.restart(1);
            return restartedAt;
          }
        });
  }

  /**
   * Of three brokers, one killed with SIGKILL and never restarted: the one leading the KRaft quorum
   * (the active controller: an election comes before the dead broker is fenced and its partitions
   * move), or, {@code quorumLeader} false, another.
   */
  public static PlatformFault brokerLost(FaultPace pace, Path scratch, boolean quorumLeader)
      throws Exception {
    return withOneController(
        quorumLeader ? "broker-lost" : "broker-lost (not the quorum's leader)",
        pace,
        scratch,
        FaultPlatform.Shape.THREE_BROKERS,
        new EventsStopped() {
          @Override
          public long strike(FaultPlatform platform, DeliveredEvents delivered, Runnable during) {
            int leader = platform.kafka.quorumLeader();
            int killed =
                quorumLeader
                    ? leader
                    : IntStream.rangeClosed(1, platform.kafka.size())
                        .filter(id -> id != leader)
                        .findFirst()
                        .orElseThrow();
            platform.kafka.kill(killed);
            long killedAt = System.nanoTime();
            delivered.awaitRecoveryAfter(System.currentTimeMillis());
            during.run();
            return killedAt;
          }
        });
  }

  /**
   * Of three brokers, the one leading the KRaft quorum stopped with SIGSTOP for {@link
   * #BROKER_PAUSE}, then let go with SIGCONT: what the short broker session and quorum fetch
   * timeout cost when a live broker stalls. Notes whether and when it was fenced, and when it was
   * unfenced again; a problem if it did not come back within a minute. Recovery from the SIGCONT.
   */
  public static PlatformFault brokerPause(FaultPace pace, Path scratch) throws Exception {
    return withOneController(
        "broker-pause",
        pace,
        scratch,
        FaultPlatform.Shape.THREE_BROKERS,
        new EventsStopped() {
          private BrokerWatch watch;
          private int paused;
          private int leaderAfter = -1;

          @Override
          public long strike(FaultPlatform platform, DeliveredEvents delivered, Runnable during)
              throws Exception {
            paused = platform.kafka.quorumLeader();
            watch = new BrokerWatch(platform.kafka, paused);
            long pausedAt = System.nanoTime();
            platform.kafka.pause(paused);
            watch.struck();
            during.run();
            Duration left = BROKER_PAUSE.minusNanos(System.nanoTime() - pausedAt);
            if (left.isPositive()) {
              FaultSteps.sleep(left);
            }
            long resumedAt = System.nanoTime();
            delivered.awaitRecoveryAfter(System.currentTimeMillis());
            platform.kafka.resume(paused);
            watch.released();
            return resumedAt;
          }

          @Override
          public List<String> problemsOnceRecovered(FaultPlatform platform) throws Exception {
            try {
              if (!watch.awaitUnfencedAgain(BACK_WITHIN)) {
                // The quorum's leader is not asked: the cluster's clients may still wait on it.
                return List.of(
                    "the paused broker was not seen unfenced within %d s of its SIGCONT"
                        .formatted(BACK_WITHIN.toSeconds()));
              }
              leaderAfter = platform.kafka.quorumLeader();
              return List.of();
            } finally {
              watch.close();
            }
          }

          @Override
          public List<String> notes() {
            return List.of(
                "node %d, the quorum's leader, paused %d s: %s, %s; the quorum's leader after: %s"
                    .formatted(
                        paused,
                        BROKER_PAUSE.toSeconds(),
                        watch.fencedAfterSeconds() < 0
                            ? "never seen fenced (the watch's reads may go unanswered while it is"
                                + " stopped)"
                            : "fenced %.1f s after the SIGSTOP"
                                .formatted(watch.fencedAfterSeconds()),
                        watch.unfencedAfterSeconds() < 0
                            ? "not seen unfenced after the SIGCONT"
                            : "seen unfenced %.1f s after the SIGCONT"
                                .formatted(watch.unfencedAfterSeconds()),
                        leaderAfter < 0 ? "not asked" : "node " + leaderAfter));
          }
        });
  }

  /**
   * The disk under the File Trace's output fills while the agent writes: a tmpfs under the agent's
   * file output directory, of {@link #DISK_BYTES_PER_STEADY_EVENT} per event of the steady phase.
   * The events go on to Kafka; what the file could not take must be reported lost. The fault ends
   * when the File Trace first reports a loss (the disk is full): the operations' recovery is from
   * then; the disk stays full. Needs root, to mount the tmpfs.
   */
  public static PlatformFault diskFull(FaultPace pace, Path scratch) throws Exception {
    long steadyEvents = (long) (pace.rate() * pace.steady().toMillis() / 1000);
    return withOneController(
        "disk-full",
        pace,
        scratch,
        FaultPlatform.Shape.fullDisk(steadyEvents * DISK_BYTES_PER_STEADY_EVENT),
        new OperationsAround.Strike() {
          @Override
          public long strike(FaultPlatform platform, DeliveredEvents delivered, Runnable during) {
            platform.ledger.await(
                "the File Trace's disk full",
                () -> {
                  TraceStatus status = platform.ledger.trace("file").get().getStatus();
                  return status.getLostEvents() != null && status.getLostEvents() > 0;
                });
            long fullAt = System.nanoTime();
            during.run();
            return fullAt;
          }

          @Override
          public String fileRecovery() {
            return "n/a (stays full)";
          }
        });
  }

  /** The fault struck under one controller with the product's Lease. */
  private static PlatformFault withOneController(
      String fault,
      FaultPace pace,
      Path scratch,
      FaultPlatform.Shape shape,
      OperationsAround.Strike strike)
      throws Exception {
    return OperationsAround.run(
        fault, pace, scratch, shape, LeaderElection.Timing.DEFAULT, List.of("replica-1"), strike);
  }

  /** A fault of Kafka: the events stall until it recovers. */
  private abstract static class EventsStopped implements OperationsAround.Strike {
    @Override
    public boolean stopsEvents() {
      return true;
    }
  }
}
