package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunLifecycleTest {
  @Test
  void aStopRequestInterruptsTheRunnerAndIsReportedWhenItEnds() {
    RunLifecycle lifecycle = new RunLifecycle(Thread.currentThread());

    lifecycle.requestStop();

    assertThat(Thread.currentThread().isInterrupted()).isTrue();
    assertThat(lifecycle.beginEnding()).isTrue();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void aRunnerThatIsEndingIsNotInterruptedAnyMore() {
    RunLifecycle lifecycle = new RunLifecycle(Thread.currentThread());

    assertThat(lifecycle.beginEnding()).isFalse();
    lifecycle.requestStop();

    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
