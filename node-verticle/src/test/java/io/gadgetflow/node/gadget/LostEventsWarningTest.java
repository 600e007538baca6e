package io.gadgetflow.node.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LostEventsWarningTest {
  @Test
  void saysHowManyWereLostAsInspektorGadgetDoes() {
    JsonEventWriter out = new JsonEventWriter();
    LostEventsWarning.begin(out, 1_700_000_000_000_000_000L, 42);
    out.field(JsonName.of("node"), "worker-1");
    out.endObject();

    assertThat(out.toString())
        .isEqualTo(
            "{\"timestamp\":1700000000000000000,\"type\":\"warn\",\"message\":\"lost 42 samples\","
                + "\"node\":\"worker-1\"}");
  }
}
