package io.gadgetflow.faults;

import io.gadgetflow.controller.leader.LeaderElection;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The faults of the control plane ({@link ControlPlaneFaults}: the real controller as processes, an
 * API server and a broker of each test's own, a node agent streaming numbered events into Traces of
 * every output mode) at a twentieth of the bench's rate with short phases, each asserting its goal:
 * every operation annotated before, during and after the fault handed to the node exactly once, in
 * order, and answered exactly once; no Trace ever showing an {@code operationError} and no replica
 * timing an operation out; the Status Traces' reports and the ExternalResource Traces' profiles
 * what the gadget made; no event lost without a word or duplicated, the File Trace's file holding
 * every one (no event goes through the API server or the controller).
 */
class ControlPlaneFaultsIT {
  /** The API server's down time is {@link ControlPlaneFaults#API_SERVER_DOWN}'s, not the pace's. */
  private static final FaultPace PACE =
      new FaultPace(500, Duration.ofSeconds(3), Duration.ZERO, Duration.ofSeconds(3));

  /**
   * Shorter than the default (15 s, 10 s, 2 s), for less CI time, but still longer than the status
   * consumer's group session (NodeReportConsumer.SESSION_TIMEOUT, 10 s): under it, the replica
   * acting next would hear no answer from the killed one's partitions until its session expired,
   * and its operation timeouts would show nodes that answered as silent.
   */
  private static final LeaderElection.Timing LEASE =
      new LeaderElection.Timing(
          Duration.ofSeconds(12), Duration.ofSeconds(8), Duration.ofSeconds(2));

  /**
   * The API server killed and restarted under two replicas, down longer than the Kubernetes
   * client's retries of a request (19 s) and the Lease's renew deadline: the holder stops acting,
   * and once the API server answers exactly one replica acts again, never both at once (a problem
   * otherwise); a stop taken just before the kill is answered while nothing can store the answer,
   * and written once the API server is back; the operations annotated as soon as it answers run
   * once.
   */
  @Test
  void anApiServerRestartedLosesNoOperationAndNoResult(@TempDir Path scratch) throws Exception {
    assertRanOnceAndLostNothing(ControlPlaneFaults.apiServerRestart(PACE, scratch));
  }

  /**
   * Two replicas; the acting one killed while operations are annotated: the standby takes the Lease
   * within its duration (plus the periods it renews and retries in) and runs every operation left,
   * none twice.
   */
  @Test
  void aStandbyTakesOverAndEveryOperationRunsOnce(@TempDir Path scratch) throws Exception {
    assertRanOnceAndLostNothing(ControlPlaneFaults.controllerKill(PACE, scratch, true, LEASE));
  }

  /**
   * The only replica killed, and started again (a new pod, a new identity in the Lease): the
   * operations annotated meanwhile run once it acts, those the killed one had handed over do not
   * run again (the replica acting next hands over only what the control topic does not hold).
   */
  @Test
  void aRestartedControllerRunsWhatWasAnnotatedMeanwhileAndNothingTwice(@TempDir Path scratch)
      throws Exception {
    assertRanOnceAndLostNothing(ControlPlaneFaults.controllerKill(PACE, scratch, false, LEASE));
  }

  private static void assertRanOnceAndLostNothing(PlatformFault fault) {
    FaultAssertions.assertOperationsRanOnceAndNothingSilent(fault);
    FaultAssertions.assertEveryEventInTheFile(fault);
  }
}
