package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
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

  @Test
  void theHookWaitsPastItsGraceWhileTheRunnerProgresses() throws Exception {
    RunLifecycle lifecycle = new RunLifecycle(Thread.currentThread());
    AtomicBoolean lastResort = new AtomicBoolean();
    Thread hook =
        Thread.ofPlatform()
            .start(() -> lifecycle.awaitEnd(Duration.ofMillis(300), () -> lastResort.set(true)));

    // Four graces long, progressing twice a grace: the runner's ending goes on.
    long end = System.nanoTime() + Duration.ofMillis(1200).toNanos();
    while (System.nanoTime() < end) {
      lifecycle.progressed();
      hook.join(Duration.ofMillis(150));
    }
    lifecycle.ended();
    hook.join();

    assertThat(lastResort).as("the last resort ran though the runner progressed").isFalse();
  }

  @Test
  void theHookTakesTheLastResortAGraceAfterTheRunnerLastProgressed() throws Exception {
    RunLifecycle lifecycle = new RunLifecycle(Thread.currentThread());
    AtomicBoolean lastResort = new AtomicBoolean();
    lifecycle.progressed();
    Thread hook =
        Thread.ofPlatform()
            .start(() -> lifecycle.awaitEnd(Duration.ofMillis(200), () -> lastResort.set(true)));

    hook.join(Duration.ofSeconds(10));

    assertThat(hook.isAlive()).isFalse();
    assertThat(lastResort).isTrue();
  }
}
