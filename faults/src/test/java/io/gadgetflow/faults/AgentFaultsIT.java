package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.faults.AgentFaults.AgentRestart;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent killed with SIGKILL while it streams, and started again: the new agent runs the
 * Trace again from the control topic alone (no operation is sent), says the gap in one warning
 * event, and from then on loses nothing unreported and duplicates nothing.
 */
class AgentFaultsIT {
  private static final Logger LOG = LoggerFactory.getLogger(AgentFaultsIT.class);
  private static final FaultPace PACE =
      new FaultPace(2000, Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(3));

  @Test
  void aKilledAgentRestartedRunsItsTraceAgainAndSaysTheGap(@TempDir Path scratch) throws Exception {
    AgentRestart run = AgentFaults.agentRestart(PACE, scratch);
    FaultFigures figures = run.figures();
    LOG.info("{}", figures.row());

    assertThat(run.deliveredBeforeKill()).as("the killed agent streamed").isPositive();
    assertThat(figures.delivered())
        .as("the restarted agent streams: " + figures.row())
        .isPositive();
    assertThat(run.resumedWarnings()).as("the gap said once").isEqualTo(1);
    assertThat(figures.silentlyLost()).as(figures.row()).isZero();
    assertThat(figures.duplicated()).as(figures.row()).isZero();
    OperationFigures operations = figures.operations();
    assertThat(operations.annotated()).as(figures.row()).isEqualTo(9);
    assertThat(operations.lost()).as("operations lost: " + figures.row()).isZero();
    assertThat(operations.runTwice()).as("operations run twice: " + figures.row()).isZero();
    // The Stream Trace's and a profile's start, a profile's stop: each Trace's last operation
    // answered before the kill, answered again by the restarted agent.
    assertThat(operations.answeredAgainByRestart()).as(figures.row()).isEqualTo(3);
  }
}
