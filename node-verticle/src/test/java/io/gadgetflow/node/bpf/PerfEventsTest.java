package io.gadgetflow.node.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PerfEventsTest {

  @Test
  void readsTheKernelsCpuLists() {
    assertThat(PerfEvents.parseCpuList("0-3,8,10-11\n")).containsExactly(0, 1, 2, 3, 8, 10, 11);
    assertThat(PerfEvents.parseCpuList("0\n")).containsExactly(0);
    assertThat(PerfEvents.parseCpuList("\n")).isEmpty();
  }

  @Test
  void thisMachineHasACpuOnline() {
    assertThat(PerfEvents.onlineCpus()).contains(0);
  }
}
