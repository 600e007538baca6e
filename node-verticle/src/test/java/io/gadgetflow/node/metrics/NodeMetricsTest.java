package io.gadgetflow.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.Losses;
import io.gadgetflow.node.kafka.ExecsnoopStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The loss counter says where each gadget's events were lost, running traces and stopped ones. */
class NodeMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final NodeMetrics metrics = new NodeMetrics(registry);

  @Test
  void lostEventsAreCountedByPlaceAcrossRunningAndStoppedTraces() {
    Session first = new Session(new EventCounters(10, new Losses(1, 2, 0, 3, 0, 0)));
    Session second = new Session(new EventCounters(5, new Losses(0, 0, 4, 0, 5, 6)));
    metrics.started(ExecsnoopStream.start("uid-1"), first);
    metrics.started(ExecsnoopStream.start("uid-2"), second);
    metrics.stopped(first);
    // What a stopped trace counted stays, however its session's counters go on.
    first.counters = new EventCounters(99, new Losses(99, 99, 99, 99, 99, 99));

    assertThat(lost("kernel")).isEqualTo(1);
    assertThat(lost("share")).isEqualTo(2);
    assertThat(lost("decoder")).isEqualTo(4);
    assertThat(lost("queue")).isEqualTo(3);
    assertThat(lost("kafka")).isEqualTo(5);
    assertThat(lost("file")).isEqualTo(6);
    assertThat(registry.get("gadgetflow.node.events").functionCounter().count()).isEqualTo(15);
  }

  private double lost(String place) {
    return registry
        .get("gadgetflow.node.lost.events")
        .tags("gadget", "execsnoop", "place", place)
        .functionCounter()
        .count();
  }

  private static final class Session implements NodeMetrics.Metered {
    private EventCounters counters;

    Session(EventCounters counters) {
      this.counters = counters;
    }

    @Override
    public EventCounters counters() {
      return counters;
    }

    @Override
    public double takeRingBufferFill() {
      return 0;
    }
  }
}
