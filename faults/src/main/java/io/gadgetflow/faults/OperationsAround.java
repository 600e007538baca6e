package io.gadgetflow.faults;

import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.controller.leader.LeaderElection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fault struck while the real controller drives Traces of every output mode on a {@link
 * FaultPlatform}: a Stream and a File Trace run through it; a stop of a Status Trace and a generate
 * of an ExternalResource Trace are annotated just before it strikes, the same on two more Traces
 * while it lasts, and once every one is answered the first Status Trace is started again. Measured:
 * the Stream and File Traces' events, the operations (lost, run twice), the Status Traces' reports
 * and the ExternalResource Traces' profiles (each what the gadget made, or lost), and the recovery.
 */
final class OperationsAround {
  private static final Logger LOG = LoggerFactory.getLogger(OperationsAround.class);

  /** How long a generate's profile may come after its Trace answered the other operations. */
  private static final Duration GENERATED_WITHIN = Duration.ofSeconds(30);

  /** The Traces whose operations the fault strikes, two before it and two while it lasts. */
  private static final List<String> STRUCK =
      List.of("status-0", "external-0", "status-1", "external-1");

  private OperationsAround() {}

  /** A fault struck between the two halves of the operations annotated. */
  interface Strike {
    /**
     * Strikes {@code platform}, annotating the second half of the operations ({@code during}) while
     * the fault lasts; returns when the fault ended ({@link System#nanoTime()}), from which the
     * operations' recovery is measured. A fault that stops the events marks its end on {@code
     * delivered} ({@link DeliveredEvents#awaitRecoveryAfter}) too.
     */
    long strike(FaultPlatform platform, DeliveredEvents delivered, Runnable during)
        throws Exception;

    /**
     * Whether the fault stops the events for a while (Kafka's faults, the agent's): the recovery
     * then says when the first event made after its end arrived, and how long the stream stalled.
     */
    default boolean stopsEvents() {
      return false;
    }

    /** The File Trace's recovery, as the table shows it. */
    default String fileRecovery() {
      return "n/a (no outage)";
    }

    /**
     * The Traces whose result is lost by design: a Status Trace stopped and an ExternalResource
     * Trace generating while no agent ran them, which say so in a warning instead.
     */
    default List<String> resultsLostWithTheAgent() {
      return List.of();
    }

    /** What went wrong, seen once every operation was answered. */
    default List<String> problemsOnceRecovered(FaultPlatform platform) throws Exception {
      return List.of();
    }

    /** What the fault saw of the parts it struck, for the table's notes. */
    default List<String> notes() {
      return List.of();
    }
  }

  static PlatformFault run(
      String fault,
      FaultPace pace,
      Path scratch,
      FaultPlatform.Shape shape,
      LeaderElection.Timing lease,
      List<String> replicas,
      Strike strike)
      throws Exception {
    try (FaultPlatform platform =
        FaultPlatform.start(pace, scratch, "faults-" + fault.split(" ")[0], shape)) {
      platform.settings = platform.settings.withLease(lease);
      for (String replica : replicas) {
        platform.controller(replica);
      }
      OperationLedger ledger = platform.ledger;
      for (String name : STRUCK) {
        if (isStatus(name)) {
          ledger.create(name, FaultPlatform.NODE, "biolatency", "Status", null);
        } else {
          ledger.create(
              name, FaultPlatform.NODE, "seccomp", "ExternalResource", platform.profilePath(name));
        }
      }
      platform.startStreamAndFile(STRUCK.toArray(String[]::new));
      try (DeliveredEvents delivered = platform.delivered()) {
        FaultSteps.sleep(pace.steady());

        STRUCK.subList(0, 2).forEach(name -> ledger.annotate(name, operationOn(name)));
        long endedAt =
            strike.strike(
                platform,
                delivered,
                () ->
                    STRUCK.subList(2, 4).forEach(name -> ledger.annotate(name, operationOn(name))));
        ledger.await(
            "every operation annotated around the fault answered",
            () ->
                STRUCK.stream()
                    .allMatch(
                        name ->
                            platform.stateOf(name)
                                == (isStatus(name) ? TraceState.COMPLETED : TraceState.STARTED)));
        long answeredAt = System.nanoTime();
        // A generate's Trace shows Started before its answer too: its profile may come a little
        // later, or never (then it counts as lost, below).
        List<String> reports = new ArrayList<>(List.of("status-0", "status-1"));
        List<String> profiles = new ArrayList<>(List.of("external-0", "external-1"));
        reports.removeAll(strike.resultsLostWithTheAgent());
        profiles.removeAll(strike.resultsLostWithTheAgent());
        FaultSteps.awaitCondition(
            () -> profiles.stream().allMatch(name -> platform.profile(name) != null),
            GENERATED_WITHIN,
            null);
        // Before a later operation replaces the Traces' warnings.
        List<String> lostWithTheAgent =
            platform.resultsLostWithTheAgentProblems(strike.resultsLostWithTheAgent());
        String recovery = "%.1f s (operations)".formatted((answeredAt - endedAt) / 1e9);
        if (strike.stopsEvents()) {
          FaultSteps.awaitCondition(
              () -> delivered.recoveredAtMillis() >= 0, FaultSteps.RECOVERY_TIMEOUT, null);
          recovery =
              "events %s (stalled %.1f s), operations %.1f s"
                  .formatted(
                      delivered.recoveryMillis() < 0
                          ? "none"
                          : "%.1f s".formatted(delivered.recoveryMillis() / 1000.0),
                      delivered.longestStallMillis() / 1000.0,
                      (answeredAt - endedAt) / 1e9);
        }
        LOG.info("{}: recovery {}", fault, recovery);
        ledger.annotate(STRUCK.getFirst(), "start");
        ledger.awaitState(TraceState.STARTED, STRUCK.getFirst());
        List<String> problems = new ArrayList<>(strike.problemsOnceRecovered(platform));
        PlatformFault measured =
            platform.measure(
                fault,
                delivered,
                recovery,
                strike.fileRecovery(),
                "status-0",
                "external-0",
                "external-1");
        problems.addAll(measured.problems());
        ledger.awaitState(TraceState.COMPLETED, "status-1");
        return platform
            .withResults(measured, problems, reports, profiles, lostWithTheAgent)
            .withNotes(strike.notes());
      }
    }
  }

  /** The Status Traces' names start so, apart from those of the other output modes. */
  static boolean isStatus(String trace) {
    return trace.startsWith("status");
  }

  /** The operation struck by a fault: a Status Trace's stop, an ExternalResource's generate. */
  private static String operationOn(String trace) {
    return isStatus(trace) ? "stop" : "generate";
  }
}
