package io.gadgetflow.controller.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadProgressTest {
  @Test
  void aWaitEndsOnceEveryPartitionIsHandedOverUpToItsOffset() {
    ReadProgress<String> progress = new ReadProgress<>();
    Promise<Void> passed = Promise.promise();
    progress.await(Map.of("p0", 2L, "p1", 1L), passed);

    progress.handedOver("p0", 0);
    progress.handedOver("p0", 1);
    assertThat(passed.future().isComplete()).as("p1 not read yet").isFalse();

    progress.handedOver("p1", 0);
    assertThat(passed.future().succeeded()).isTrue();
  }

  @Test
  void aWaitForWhatWasHandedOverAlreadyEndsAtOnce() {
    ReadProgress<String> progress = new ReadProgress<>();
    progress.handedOver("p0", 4);
    Promise<Void> passed = Promise.promise();
    progress.await(Map.of("p0", 5L, "empty", 0L), passed);
    assertThat(passed.future().succeeded()).isTrue();
  }

  @Test
  void aPartitionNothingWasReadOfPassesWhereItsReadingBegan() {
    ReadProgress<String> progress = new ReadProgress<>();
    assertThat(progress.unknown(Set.of("p0", "p1"))).containsExactlyInAnyOrder("p0", "p1");
    progress.handedOver("p1", 0);
    assertThat(progress.unknown(Set.of("p0", "p1"))).containsExactly("p0");

    Promise<Void> passed = Promise.promise();
    progress.await(Map.of("p0", 7L, "p1", 1L), passed);
    assertThat(passed.future().isComplete()).isFalse();
    // Read up to 7 by an earlier subscription, which committed it: this one begins there.
    progress.passedUpTo("p0", 7);
    assertThat(passed.future().succeeded()).isTrue();
  }

  @Test
  void waitsEndInTheOrderTheyWereAsked() {
    ReadProgress<String> progress = new ReadProgress<>();
    Promise<Void> first = Promise.promise();
    Promise<Void> second = Promise.promise();
    progress.await(Map.of("p0", 1L), first);
    progress.await(Map.of("p0", 3L), second);
    progress.handedOver("p0", 0);
    assertThat(first.future().succeeded()).isTrue();
    assertThat(second.future().isComplete()).isFalse();
    progress.handedOver("p0", 2);
    assertThat(second.future().succeeded()).isTrue();
  }

  @Test
  void clearingFailsTheWaits() {
    ReadProgress<String> progress = new ReadProgress<>();
    Promise<Void> passed = Promise.promise();
    progress.await(Map.of("p0", 1L), passed);
    progress.clear("unsubscribed");
    assertThat(passed.future().failed()).isTrue();
    assertThat(progress.unknown(Set.of("p0"))).containsExactly("p0");
  }
}
