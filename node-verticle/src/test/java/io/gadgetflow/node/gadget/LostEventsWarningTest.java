package io.gadgetflow.node.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.Losses;
import org.junit.jupiter.api.Test;

class LostEventsWarningTest {
  @Test
  void saysHowManyWereLostAsInspektorGadgetDoesAndWhere() {
    JsonEventWriter out = new JsonEventWriter();
    LostEventsWarning.begin(out, 1_700_000_000_000_000_000L, new Losses(0, 30, 2, 10, 0, 0));
    out.field(JsonName.of("node"), "worker-1");
    out.endObject();

    assertThat(out.toString())
        .isEqualTo(
            "{\"timestamp\":1700000000000000000,\"type\":\"warn\",\"message\":\"lost 42 samples\","
                + "\"lostAt\":{\"share\":30,\"decoder\":2,\"queue\":10},\"node\":\"worker-1\"}");
  }
}
