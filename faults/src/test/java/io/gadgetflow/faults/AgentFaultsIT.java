package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.faults.AgentFaults.AgentRestart;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node agent killed with SIGKILL while it streams and the real controller drives Traces of
 * every output mode, and started again: the new agent runs its Traces again from the control topic
 * alone, says the gap in one warning event, answers the operations handed over while no agent ran
 * (the Status Trace stopped meanwhile saying that its report was lost with the killed agent), and
 * from then on loses nothing unreported and duplicates nothing.
 */
class AgentFaultsIT {
  private static final FaultPace PACE =
      new FaultPace(2000, Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(3));

  @Test
  void aKilledAgentRestartedRunsItsTracesAgainAndSaysTheGap(@TempDir Path scratch)
      throws Exception {
    AgentRestart run = AgentFaults.agentRestart(PACE, scratch);
    PlatformFault fault = run.fault();

    FaultAssertions.assertOperationsRanOnceAndNothingSilent(fault);
    assertThat(run.deliveredBeforeKill()).as("the killed agent streamed").isPositive();
    assertThat(run.resumedWarnings()).as("the gap said once").isEqualTo(1);
    // The Stream and File Traces' starts, a Status Trace's stop and an ExternalResource Trace's
    // generate: each its Trace's last operation, answered before the kill, answered again by the
    // restarted agent.
    assertThat(fault.operations().answeredAgainByRestart()).as(fault.stream().row()).isEqualTo(4);
    FaultAssertions.assertEveryEventInTheFile(fault);
  }
}
