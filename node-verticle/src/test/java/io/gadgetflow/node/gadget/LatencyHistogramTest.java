package io.gadgetflow.node.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.gadget.LatencyHistogram.Interval;
import io.gadgetflow.testing.RecordSchemas;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void hasInspektorGadgetsShapeUpToTheLastCountedSlot() {
    long[] slots = new long[27];
    slots[0] = 1;
    slots[3] = 5;

    LatencyHistogram histogram = LatencyHistogram.ofLog2Slots(slots);

    assertThat(histogram.data())
        .containsExactly(
            new Interval(1, 0, 1),
            new Interval(0, 2, 3),
            new Interval(0, 4, 7),
            new Interval(5, 8, 15));
    assertThat(new String(Json.encode(histogram), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"valType\":\"usecs\",\"data\":[{\"count\":1,\"intervalStart\":0,\"intervalEnd\":1},"
                + "{\"count\":0,\"intervalStart\":2,\"intervalEnd\":3},"
                + "{\"count\":0,\"intervalStart\":4,\"intervalEnd\":7},"
                + "{\"count\":5,\"intervalStart\":8,\"intervalEnd\":15}]}");
    RecordSchemas.assertValid(
        "output-histogram.json", new String(Json.encode(histogram), StandardCharsets.UTF_8));
  }

  @Test
  void nothingCountedIsAnEmptyReport() {
    LatencyHistogram empty = LatencyHistogram.ofLog2Slots(new long[27]);

    assertThat(empty.data()).isEmpty();
    RecordSchemas.assertValid(
        "output-histogram.json", new String(Json.encode(empty), StandardCharsets.UTF_8));
  }
}
