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
 * File Trace run through the fault), the operations annotated around it ({@link OperationLedger}):
 * lost or run twice, the Status and ExternalResource Traces' results, and the time until the
 * operations annotated during the fault were answered.
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

  private ControlPlaneFaults() {}

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
  public static PlatformFault apiServerRestart(FaultPace pace, Path scratch) throws Exception {
    try (FaultPlatform platform =
        FaultPlatform.start(pace, scratch, "faults-apiserver", FaultPlatform.Shape.ONE_BROKER)) {
      List<ControllerProcess> replicas =
          List.of(platform.controller("replica-a"), platform.controller("replica-b"));
      OperationLedger ledger = platform.ledger;
      ledger.create("status", FaultPlatform.NODE, "biolatency", "Status", null);
      ledger.create(
          "external",
          FaultPlatform.NODE,
          "seccomp",
          "ExternalResource",
          platform.profilePath("external"));
      ledger.create("in-flight", FaultPlatform.NODE, "biolatency", "Status", null);
      ledger.create("late", FaultPlatform.NODE, "execsnoop", "Stream", null);
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
        PlatformFault fault =
            platform.measure(
                "apiserver-restart", delivered, recovery, "n/a (no outage)", "external", "late");
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
            fault, problems, List.of("status", "in-flight"), List.of("external"), List.of());
      }
    }
  }

  /**
   * The acting controller killed with SIGKILL while operations are annotated ({@link
   * OperationsAround}). With {@code standby}, a second replica takes the Lease over (a problem if
   * later than the Lease's duration, a renewal period the last renewal read may be old by,
   * fabric8's retry period with its jitter, and a second); without, the only replica is started
   * again as a new pod would be (a new identity: it waits for the Lease to expire). Recovery: from
   * the kill to every operation annotated around it answered.
   */
  public static PlatformFault controllerKill(
      FaultPace pace, Path scratch, boolean standby, LeaderElection.Timing lease) throws Exception {
    String fault = standby ? "controller-standby" : "controller-restart";
    List<String> replicas = standby ? List.of("replica-a", "replica-b") : List.of("replica-1");
    return OperationsAround.run(
        fault,
        pace,
        scratch,
        FaultPlatform.Shape.ONE_BROKER,
        lease,
        replicas,
        new OperationsAround.Strike() {
          private ZonedDateTime lastRenewal;

          @Override
          public long strike(FaultPlatform platform, DeliveredEvents delivered, Runnable during)
              throws Exception {
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
          public List<String> problemsOnceRecovered(FaultPlatform platform) {
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
}
