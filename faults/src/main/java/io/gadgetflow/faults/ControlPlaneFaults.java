package io.gadgetflow.faults;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.controller.leader.LeaderElection;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults of the control plane while a node agent streams numbered events into Traces of every
 * output mode, driven by the real controller ({@code gadgetflow controller}, processes of their
 * own) on a Kubernetes API server and etcd of the fault's own: the API server killed and restarted,
 * the acting controller killed with and without a standby. Each measures the events (a Stream and a
 * File Trace run through the fault) and the operations annotated around it ({@link
 * OperationLedger}): lost or run twice, and the time until the operations annotated during the
 * fault were answered.
 *
 * <p>No event goes through the API server or the controller: the goal is nothing lost and nothing
 * duplicated, and every operation run once.
 */
public final class ControlPlaneFaults {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneFaults.class);

  /**
   * Longer than the Kubernetes client's retries of one request (10, from 100 ms doubling up to 3.2
   * s: 19 s) and the Lease's renew deadline after them: the controller loses the Lease and
   * campaigns again. Shorter, the renewal waiting in the client's retries lands once the API server
   * is back, and the controller never stops acting.
   */
  public static final Duration API_SERVER_DOWN = Duration.ofSeconds(25);

  /** How long a generate's profile may come after its Trace answered the other operations. */
  private static final Duration GENERATED_WITHIN = Duration.ofSeconds(30);

  private ControlPlaneFaults() {}

  /**
   * What a fault of the control plane did: the events of the Stream and File Traces that ran
   * through it, the operations annotated around it, and what went wrong besides (an {@code
   * operationError} a Trace showed, an operation timeout the controller logged, a result not what
   * the gadget made): empty when nothing did.
   */
  public record ControlPlaneFault(
      FaultFigures stream, FaultFigures file, OperationFigures operations, List<String> problems) {}

  /**
   * The API server killed with SIGKILL, down {@link #API_SERVER_DOWN} and started again on its
   * command line, under two replicas of the controller as k8s/install deploys them: the holder
   * stops acting once its renew deadline passed, and once the API server answers exactly one of the
   * two acts again (a problem if none does, or if both act at once at any moment seen). A stop of a
   * Status Trace is taken and handed over just before the kill, its answer held back until the API
   * server is dead; as soon as it answers again, a stop of another Status Trace and a start of a
   * new Stream Trace are annotated, before a replica acts again; once they are answered, a generate
   * of the ExternalResource Trace. Recovery: from the API server answering again to those
   * operations answered.
   */
  public static ControlPlaneFault apiServerRestart(FaultPace pace, Path scratch) throws Exception {
    try (ControlPlanePlatform platform =
        ControlPlanePlatform.start(pace, scratch, "faults-apiserver")) {
      List<ControllerProcess> replicas =
          List.of(platform.controller("replica-a"), platform.controller("replica-b"));
      OperationLedger ledger = platform.ledger;
      ledger.create("status", ControlPlanePlatform.NODE, "biolatency", "Status", null);
      ledger.create(
          "external",
          ControlPlanePlatform.NODE,
          "seccomp",
          "ExternalResource",
          platform.profilePath("external"));
      ledger.create("in-flight", ControlPlanePlatform.NODE, "biolatency", "Status", null);
      ledger.create("late", ControlPlanePlatform.NODE, "execsnoop", "Stream", null);
      platform.startStreamAndFile("status", "external", "in-flight");
      try (DeliveredEvents delivered = platform.delivered()) {
        FaultSteps.sleep(pace.steady());
        platform.holder();
        int actedBefore = acted(replicas);

        platform.events.holdResults();
        ledger.annotate("in-flight", "stop");
        ledger.await("the in-flight stop taken", () -> ledger.taken("in-flight"));
        platform.kube.killApiServer();
        long killedAt = System.nanoTime();
        platform.events.releaseResults();
        FaultSteps.sleep(API_SERVER_DOWN);
        int actingWhileDown = acting(replicas);
        platform.kube.restartApiServer();
        long backAt = System.nanoTime();
        // As soon as it answers, before a replica acts again.
        ledger.annotate("status", "stop");
        ledger.annotate("late", "start");
        long[] actingAgainAt = {-1};
        int[] mostActingAtOnce = {0};
        ledger.await(
            "the operations annotated meanwhile answered",
            () -> {
              mostActingAtOnce[0] = Math.max(mostActingAtOnce[0], acting(replicas));
              if (actingAgainAt[0] < 0 && acted(replicas) > actedBefore) {
                actingAgainAt[0] = System.nanoTime();
              }
              return platform.stateOf("in-flight") == TraceState.COMPLETED
                  && platform.stateOf("status") == TraceState.COMPLETED
                  && platform.stateOf("late") == TraceState.STARTED;
            });
        long answeredAt = System.nanoTime();
        ledger.annotate("external", "generate");
        ledger.await(
            "the SeccompProfile written",
            () ->
                platform.profile("external") != null
                    && ledger.taken("external")
                    && ledger.trace("external").get().getStatus().getOperationError() == null);
        String recovery = "%.1f s (operations)".formatted((answeredAt - backAt) / 1e9);
        ControlPlaneFault fault =
            platform.measure("apiserver-restart", delivered, recovery, "external", "late");
        ledger.awaitState(TraceState.COMPLETED, "status", "in-flight");
        mostActingAtOnce[0] = Math.max(mostActingAtOnce[0], acting(replicas));
        LOG.info(
            "apiserver-restart: down {} s; a replica acted again {} ms after the API server"
                + " was back; the operations annotated then answered {} ms after it was back ({} ms"
                + " after the kill)",
            API_SERVER_DOWN.toSeconds(),
            actingAgainAt[0] < 0 ? -1 : (actingAgainAt[0] - backAt) / 1_000_000,
            (answeredAt - backAt) / 1_000_000,
            (answeredAt - killedAt) / 1_000_000);
        List<String> problems = new ArrayList<>(fault.problems());
        if (actingWhileDown != 0) {
          problems.add(actingWhileDown + " replicas still acted at the end of the outage");
        }
        if (actingAgainAt[0] < 0) {
          problems.add("no replica lost the Lease during the outage and acted again");
        }
        if (mostActingAtOnce[0] != 1 || acting(replicas) != 1) {
          problems.add(
              "after the outage %d replicas acted at once, %d act at the end; exactly one should"
                  .formatted(mostActingAtOnce[0], acting(replicas)));
        }
        return platform.withResults(
            fault, problems, List.of("status", "in-flight"), List.of("external"));
      }
    }
  }

  /**
   * The acting controller killed with SIGKILL while operations are annotated ({@link
   * #operationsAround}). With {@code standby}, a second replica takes the Lease over (a problem if
   * later than the Lease's duration, a renewal period the last renewal read may be old by,
   * fabric8's retry period with its jitter, and a second); without, the only replica is started
   * again as a new pod would be (a new identity: it waits for the Lease to expire). Recovery: from
   * the kill to every operation annotated around it answered.
   */
  public static ControlPlaneFault controllerKill(
      FaultPace pace, Path scratch, boolean standby, LeaderElection.Timing lease) throws Exception {
    String fault = standby ? "controller-standby" : "controller-restart";
    List<String> replicas = standby ? List.of("replica-a", "replica-b") : List.of("replica-1");
    return operationsAround(
        fault,
        pace,
        scratch,
        lease,
        replicas,
        new Strike() {
          private ZonedDateTime lastRenewal;

          @Override
          public long strike(ControlPlanePlatform platform, Runnable during) throws Exception {
            ControllerProcess acting = platform.holder();
            lastRenewal = platform.lease().get().getSpec().getRenewTime();
            acting.kill();
            long killedAt = System.nanoTime();
            during.run();
            if (!standby) {
              platform.controller("replica-2");
            }
            return killedAt;
          }

          @Override
          public List<String> problemsOnceRecovered(ControlPlanePlatform platform) {
            Lease held = platform.lease().get();
            Duration takeover = Duration.between(lastRenewal, held.getSpec().getAcquireTime());
            LOG.info(
                "{}: Lease taken by {} {} ms after the killed replica's last renewal",
                fault,
                held.getSpec().getHolderIdentity(),
                takeover.toMillis());
            Duration bound =
                lease
                    .leaseDuration()
                    .plus(lease.retryPeriod().multipliedBy(32).dividedBy(10))
                    .plusSeconds(1);
            return standby && takeover.compareTo(bound) > 0
                ? List.of(
                    "the standby took the Lease %d ms after the last renewal, later than %d ms"
                        .formatted(takeover.toMillis(), bound.toMillis()))
                : List.of();
          }
        });
  }

  /**
   * The only broker killed with SIGKILL while operations are annotated ({@link #operationsAround}),
   * down {@code pace.down()}, restarted on its data: the controller hands the operations annotated
   * meanwhile over once the broker is back, and the node answers them. Recovery: from the restart
   * to every operation annotated around the fault answered.
   */
  public static ControlPlaneFault brokerRestart(FaultPace pace, Path scratch) throws Exception {
    return operationsAround(
        "broker-restart with operations",
        pace,
        scratch,
        LeaderElection.Timing.DEFAULT,
        List.of("replica-1"),
        (platform, during) -> {
          platform.kafka.kill(1);
          during.run();
          FaultSteps.sleep(pace.down());
          long restartedAt = System.nanoTime();
          platform.kafka.restart(1);
          return restartedAt;
        });
  }

  /**
   * A fault struck between the two halves of the operations {@link #operationsAround} annotates.
   */
  private interface Strike {
    /**
     * Strikes {@code platform}, annotating the second half of the operations ({@code during}) while
     * the fault lasts; returns when the fault ended ({@link System#nanoTime()}), from which the
     * recovery is measured.
     */
    long strike(ControlPlanePlatform platform, Runnable during) throws Exception;

    /** What went wrong, seen once every operation was answered. */
    default List<String> problemsOnceRecovered(ControlPlanePlatform platform) {
      return List.of();
    }
  }

  /**
   * A fault struck while operations are annotated, with {@code replicas} of the controller: a
   * Stream and a File Trace run through it; a stop of a Status Trace and a generate of an
   * ExternalResource Trace are annotated just before it strikes, the same on two more Traces while
   * it lasts, and once every one is answered the first Status Trace is started again.
   */
  private static ControlPlaneFault operationsAround(
      String fault,
      FaultPace pace,
      Path scratch,
      LeaderElection.Timing lease,
      List<String> replicas,
      Strike strike)
      throws Exception {
    try (ControlPlanePlatform platform =
        ControlPlanePlatform.start(pace, scratch, "faults-" + fault.split(" ")[0])) {
      platform.settings = platform.settings.withLease(lease);
      for (String replica : replicas) {
        platform.controller(replica);
      }
      OperationLedger ledger = platform.ledger;
      List<String> struck = List.of("status-0", "external-0", "status-1", "external-1");
      for (String name : struck) {
        if (isStatus(name)) {
          ledger.create(name, ControlPlanePlatform.NODE, "biolatency", "Status", null);
        } else {
          ledger.create(
              name,
              ControlPlanePlatform.NODE,
              "seccomp",
              "ExternalResource",
              platform.profilePath(name));
        }
      }
      platform.startStreamAndFile(struck.toArray(String[]::new));
      try (DeliveredEvents delivered = platform.delivered()) {
        FaultSteps.sleep(pace.steady());

        struck.subList(0, 2).forEach(name -> ledger.annotate(name, operationOn(name)));
        long endedAt =
            strike.strike(
                platform,
                () ->
                    struck.subList(2, 4).forEach(name -> ledger.annotate(name, operationOn(name))));
        ledger.await(
            "every operation annotated around the fault answered",
            () ->
                struck.stream()
                    .allMatch(
                        name ->
                            platform.stateOf(name)
                                == (isStatus(name) ? TraceState.COMPLETED : TraceState.STARTED)));
        long answeredAt = System.nanoTime();
        // A generate's Trace shows Started before its answer too: its profile may come a little
        // later, or never (then it counts as lost, below).
        FaultSteps.awaitCondition(
            () -> platform.profile("external-0") != null && platform.profile("external-1") != null,
            GENERATED_WITHIN,
            null);
        LOG.info(
            "{}: every operation annotated around the fault answered {} ms after it ended",
            fault,
            (answeredAt - endedAt) / 1_000_000);
        ledger.annotate(struck.getFirst(), "start");
        ledger.awaitState(TraceState.STARTED, struck.getFirst());
        List<String> problems = new ArrayList<>(strike.problemsOnceRecovered(platform));
        String recovery = "%.1f s (operations)".formatted((answeredAt - endedAt) / 1e9);
        ControlPlaneFault measured =
            platform.measure(fault, delivered, recovery, "status-0", "external-0", "external-1");
        problems.addAll(measured.problems());
        ledger.awaitState(TraceState.COMPLETED, "status-1");
        return platform.withResults(
            measured,
            problems,
            List.of("status-0", "status-1"),
            List.of("external-0", "external-1"));
      }
    }
  }

  /** How many times {@code replicas} started acting on Traces, together. */
  private static int acted(List<ControllerProcess> replicas) {
    return replicas.stream().mapToInt(replica -> replica.logCount("now acts on Traces")).sum();
  }

  /** How many of {@code replicas} act on Traces now, as their logs say. */
  private static int acting(List<ControllerProcess> replicas) {
    return (int)
        replicas.stream()
            .filter(
                replica ->
                    replica.logCount("now acts on Traces")
                        > replica.logCount("stops acting on Traces"))
            .count();
  }

  /** The Status Traces' names start so, apart from those of the other output modes. */
  static boolean isStatus(String trace) {
    return trace.startsWith("status");
  }

  /**
   * The operation struck by a controller's fault: a Status Trace's stop, an ExternalResource's
   * generate.
   */
  private static String operationOn(String trace) {
    return isStatus(trace) ? "stop" : "generate";
  }
}
