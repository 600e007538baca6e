package io.gadgetflow.web.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DroppingQueueTest {
  @Test
  void neverHoldsMoreThanItsCapacityAndCountsWhatItDropped() {
    DroppingQueue<Integer> queue = new DroppingQueue<>(3);
    for (int i = 0; i < 10; i++) {
      queue.add(i);
    }

    assertThat(queue.size()).isEqualTo(3);
    assertThat(queue.takeDropped()).isEqualTo(7);
    assertThat(queue.takeDropped()).isZero();
    assertThat(queue.take(2)).containsExactly(7, 8);
    queue.add(10);
    queue.add(11);
    queue.add(12);
    assertThat(queue.takeDropped()).isEqualTo(1);
    assertThat(queue.droppedTotal()).isEqualTo(8);
    assertThat(queue.take(10)).containsExactly(10, 11, 12);
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void removingItemsIsNotDropping() {
    DroppingQueue<Integer> queue = new DroppingQueue<>(5);
    for (int i = 0; i < 5; i++) {
      queue.add(i);
    }
    queue.removeIf(i -> i < 3);

    assertThat(queue.take(5)).containsExactly(3, 4);
    assertThat(queue.droppedTotal()).isZero();
  }
}
