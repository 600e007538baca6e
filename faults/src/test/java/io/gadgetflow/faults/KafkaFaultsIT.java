package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite's Kafka and disk faults, at a fifth of the bench's rate and with short phases,
 * each asserting issue 20's goal: on three brokers nothing lost and nothing duplicated; on one
 * broker and on a full disk, every loss in the agent's counters, none silent, none duplicated.
 */
class KafkaFaultsIT {
  private static final FaultPace PACE =
      new FaultPace(2000, Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(3));

  @Test
  void aBrokerKilledAndRestartedLosesNothingUnreported(@TempDir Path scratch) throws Exception {
    FaultFigures figures = KafkaFaults.brokerRestart(PACE, scratch);

    assertThat(figures.delivered()).as(figures.row()).isPositive();
    assertThat(figures.silentlyLost()).as(figures.row()).isZero();
    assertThat(figures.duplicated()).as(figures.row()).isZero();
    assertThat(figures.recovery()).as(figures.row()).isNotEqualTo("none");
  }

  @Test
  void oneOfThreeBrokersLostForGoodLosesAndDuplicatesNothing(@TempDir Path scratch)
      throws Exception {
    FaultFigures figures = KafkaFaults.brokerLost(PACE, scratch);

    assertThat(figures.delivered()).as(figures.row()).isEqualTo(figures.produced()).isPositive();
    assertThat(figures.reportedLost()).as(figures.row()).isZero();
    assertThat(figures.duplicated()).as(figures.row()).isZero();
  }

  @Test
  void aFullDiskUnderFileOutputReportsEveryEventItCouldNotTake(@TempDir Path scratch)
      throws Exception {
    FaultFigures figures = KafkaFaults.diskFull(PACE, scratch);

    assertThat(figures.delivered()).as(figures.row()).isPositive();
    assertThat(figures.reportedLost()).as("the disk filled: " + figures.row()).isPositive();
    assertThat(figures.silentlyLost()).as(figures.row()).isZero();
    assertThat(figures.duplicated()).as(figures.row()).isZero();
  }
}
