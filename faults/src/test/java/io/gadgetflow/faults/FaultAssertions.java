package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every fault IT asserts of a {@link PlatformFault}, whatever the fault. */
final class FaultAssertions {
  private static final Logger LOG = LoggerFactory.getLogger(FaultAssertions.class);

  private FaultAssertions() {}

  /**
   * Nothing else went wrong (no Trace showed an error, no operation timed out, every Status Trace's
   * report and ExternalResource Trace's profile is what the gadget made); every operation annotated
   * was handed over and answered, none twice; on the Stream Trace nothing lost without a word
   * (every loss in its counters and in its warning events) and nothing duplicated.
   */
  static void assertOperationsRanOnceAndNothingSilent(PlatformFault fault) {
    LOG.info(
        "{}\n{}\n{}\nnotes: {}",
        FaultFigures.header(),
        fault.stream().row(),
        fault.file().row(),
        fault.notes());
    assertThat(fault.problems()).as("what went wrong besides").isEmpty();
    assertThat(fault.operations().annotated()).isPositive();
    assertThat(fault.operations().lost()).as("operations lost").isZero();
    assertThat(fault.operations().runTwice()).as("operations run twice").isZero();
    FaultFigures stream = fault.stream();
    assertThat(stream.delivered()).as(stream.row()).isPositive();
    assertThat(stream.silentlyLost()).as("Stream: lost without a word: " + stream.row()).isZero();
    assertThat(stream.toldLost())
        .as("Stream: every loss told in a warning event too: " + stream.row())
        .isGreaterThanOrEqualTo(stream.reportedLost());
    assertThat(stream.duplicated()).as("Stream: delivered twice: " + stream.row()).isZero();
  }

  /** The File Trace's file holds every event, whatever Kafka did, and a warning of every loss. */
  static void assertEveryEventInTheFile(PlatformFault fault) {
    FaultFigures file = fault.file();
    assertThat(file.delivered())
        .as("the File Trace's file holds every event: " + file.row())
        .isEqualTo(file.produced())
        .isPositive();
    assertThat(file.duplicated()).as("File: written twice: " + file.row()).isZero();
    assertThat(file.toldLost())
        .as("File: every loss told in a warning line too: " + file.row())
        .isGreaterThanOrEqualTo(file.reportedLost());
  }
}
