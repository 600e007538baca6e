package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeftoverTracesTest {
  @Test
  void thisProcessIsNotGone() {
    assertThat(LeftoverTraces.isGone(LeftoverTraces.thisProcess())).isFalse();
  }

  @Test
  void aProcessThatEndedIsGone() throws Exception {
    Process ended = new ProcessBuilder("/bin/true").start();
    assertThat(ended.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Instant started = ended.info().startInstant().orElse(Instant.now());

    assertThat(LeftoverTraces.isGone(LeftoverTraces.owner(ended.pid(), started))).isTrue();
  }

  @Test
  void aLivePidThatStartedAtAnotherTimeIsAnotherProcess() {
    long self = ProcessHandle.current().pid();

    assertThat(LeftoverTraces.isGone(LeftoverTraces.owner(self, Instant.EPOCH))).isTrue();
  }

  @Test
  void aProcessOfAnotherMachineOrAnUnreadableOwnerIsNeverTakenForGone() {
    assertThat(LeftoverTraces.isGone("another-machine 1 0")).isFalse();
    assertThat(LeftoverTraces.isGone("garbage")).isFalse();
    assertThat(LeftoverTraces.isGone(null)).isFalse();
  }
}
