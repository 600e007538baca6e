package io.gadgetflow.node.gadget.trace.tcpdrop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DropReasonsTest {

  @Test
  void namesLoseTheirPrefixAsInInspektorGadget() {
    DropReasons reasons =
        new DropReasons(
            Map.of(
                0L, "SKB_NOT_DROPPED_YET",
                1L, "SKB_CONSUMED",
                3L, "SKB_DROP_REASON_NO_SOCKET"));

    assertThat(reasons.name(0)).isEqualTo("NOT_DROPPED_YET");
    assertThat(reasons.name(1)).isEqualTo("CONSUMED");
    assertThat(reasons.name(3)).isEqualTo("NO_SOCKET");
    assertThat(reasons.name(4)).isEqualTo("UNKNOWN#4");
  }

  /** Reads /sys/kernel/btf/vmlinux, which needs no privilege. */
  @Test
  void theRunningKernelNamesItsReasons() {
    DropReasons reasons = DropReasons.ofRunningKernel();

    // Only these two are at fixed places in every kernel with drop reasons.
    assertThat(reasons.name(0)).isEqualTo("NOT_DROPPED_YET");
    assertThat(reasons.name(1)).isEqualTo("CONSUMED");
    assertThat(reasons.name(2)).isEqualTo("NOT_SPECIFIED");
  }
}
