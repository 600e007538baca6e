package io.gadgetflow.controller.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AppliedOffsetsTest {
  @Test
  void commitsUpToTheFirstReportNotAppliedYet() {
    AppliedOffsets<String> offsets = new AppliedOffsets<>();
    offsets.read("p0", 0);
    offsets.read("p0", 1);
    offsets.read("p0", 2);
    offsets.applied("p0", 0);
    offsets.applied("p0", 2);

    assertThat(offsets.toCommit()).isEqualTo(Map.of("p0", 1L));

    offsets.applied("p0", 1);
    assertThat(offsets.toCommit()).isEqualTo(Map.of("p0", 3L));
  }

  @Test
  void offersAnOffsetAgainUntilItsCommitSucceeded() {
    AppliedOffsets<String> offsets = new AppliedOffsets<>();
    offsets.read("p0", 0);
    offsets.applied("p0", 0);
    assertThat(offsets.toCommit()).isEqualTo(Map.of("p0", 1L));
    // The commit was refused (a rebalance): nothing told.
    assertThat(offsets.toCommit()).isEqualTo(Map.of("p0", 1L));

    offsets.committed(Map.of("p0", 1L));
    assertThat(offsets.toCommit()).isEmpty();
  }

  @Test
  void tellsOnlyThePartitionsWhoseOffsetMoved() {
    AppliedOffsets<String> offsets = new AppliedOffsets<>();
    offsets.read("p0", 5);
    offsets.read("p1", 7);
    offsets.applied("p0", 5);
    offsets.applied("p1", 7);
    Map<String, Long> first = offsets.toCommit();
    assertThat(first).isEqualTo(Map.of("p0", 6L, "p1", 8L));
    offsets.committed(first);

    offsets.read("p1", 8);
    offsets.applied("p1", 8);
    Map<String, Long> moved = offsets.toCommit();
    assertThat(moved).isEqualTo(Map.of("p1", 9L));
    offsets.committed(moved);
    assertThat(offsets.toCommit()).isEmpty();
  }

  @Test
  void aReportNeverAppliedHoldsItsPartitionBack() {
    AppliedOffsets<String> offsets = new AppliedOffsets<>();
    offsets.read("p0", 0);
    offsets.read("p0", 1);
    offsets.applied("p0", 1);
    assertThat(offsets.toCommit()).isEqualTo(Map.of("p0", 0L));
    offsets.committed(Map.of("p0", 0L));

    offsets.read("p0", 2);
    offsets.applied("p0", 2);
    assertThat(offsets.toCommit()).isEmpty();
  }

  @Test
  void forgetsEverythingWhenCleared() {
    AppliedOffsets<String> offsets = new AppliedOffsets<>();
    offsets.read("p0", 0);
    offsets.clear();
    offsets.applied("p0", 0);
    assertThat(offsets.toCommit()).isEmpty();
  }
}
