package io.gadgetflow.node.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.node.gadget.GadgetOptions;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotWarningTest {

  @Test
  void aFilterThatMatchedNothingIsSaid() {
    assertThat(SnapshotWarning.of(GadgetOptions.filtered(Set.of()), "[]"))
        .contains("No container matches the requested filter");
  }

  @Test
  void anythingFoundOrNoFilterIsNoWarning() {
    assertThat(SnapshotWarning.of(GadgetOptions.filtered(Set.of(4026531841L)), "[{\"pid\":1}]"))
        .isEmpty();
    assertThat(SnapshotWarning.of(GadgetOptions.unfiltered(), "[]")).isEmpty();
  }
}
