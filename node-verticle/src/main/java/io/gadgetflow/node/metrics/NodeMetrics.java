package io.gadgetflow.node.metrics;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.Losses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The node agent's meters. Event and loss totals per gadget are read from the running gadgets' own
 * counters when scraped, plus what gadgets that already stopped had counted, so the ring readers'
 * hot path does no extra work for them.
 *
 * <ul>
 *   <li>{@code gadgetflow_node_events_total{gadget}}: events Kafka acknowledged
 *   <li>{@code gadgetflow_node_lost_events_total{gadget,place}}: events lost, by where ({@link
 *       Losses.Place}): {@code kernel} (a full ring buffer, or kernel map), {@code share} (a mount
 *       namespace over its share of the ring), {@code decoder}, {@code queue} (the agent's full
 *       event queue), {@code kafka} (refused, or not acknowledged in time), {@code file}
 *   <li>{@code gadgetflow_node_ring_buffer_fill_ratio{gadget,trace}}: the fullest a running
 *       gadget's ring buffer was since the previous scrape, 0 to 1
 *   <li>{@code gadgetflow_node_kafka_send_seconds}: from handing an event to the producer to
 *       Kafka's acknowledgement, for the first event of each batch the sender takes
 *   <li>{@code gadgetflow_node_status_send_failures_total}: answers and counter reports the status
 *       topic did not take (a broker away); the controller misses them until a later one is sent
 * </ul>
 */
public final class NodeMetrics {
  private static final Duration[] SEND_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5)
  };

  private final MeterRegistry registry;
  private final Timer kafkaSend;
  private final Counter statusSendFailures;
  private final Map<String, EventCounters> stoppedByGadget = new HashMap<>();
  private final Map<Metered, Running> running = new IdentityHashMap<>();

  private record Running(String gadget, Gauge ringFill) {}

  /** What the meters read from a trace's running gadget. */
  public interface Metered {
    /** What was delivered to Kafka and what was lost, since the start. */
    EventCounters counters();

    /** How full the gadget's ring buffer was at most since the previous call, from 0 to 1. */
    double takeRingBufferFill();
  }

  public NodeMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.kafkaSend =
        Timer.builder("gadgetflow.node.kafka.send")
            .description("Time from handing an event to the Kafka producer to its acknowledgement")
            .serviceLevelObjectives(SEND_BUCKETS)
            .register(registry);
    this.statusSendFailures =
        Counter.builder("gadgetflow.node.status.send.failures")
            .description("Answers and counter reports the status topic did not take")
            .register(registry);
  }

  public Timer kafkaSend() {
    return kafkaSend;
  }

  public Counter statusSendFailures() {
    return statusSendFailures;
  }

  /** Starts counting a gadget that now runs for a trace. */
  public synchronized void started(ControlRecord trace, Metered session) {
    String gadget = trace.gadget();
    if (!stoppedByGadget.containsKey(gadget)) {
      stoppedByGadget.put(gadget, EventCounters.NONE);
      FunctionCounter.builder(
              "gadgetflow.node.events", this, metrics -> metrics.total(gadget, c -> c.events()))
          .description("Events Kafka acknowledged")
          .tag("gadget", gadget)
          .register(registry);
      for (Losses.Place place : Losses.Place.values()) {
        FunctionCounter.builder(
                "gadgetflow.node.lost.events",
                this,
                metrics -> metrics.total(gadget, c -> place.of(lostAt(c))))
            .description("Events lost, by where: kernel, share, decoder, queue, kafka, file")
            .tag("gadget", gadget)
            .tag("place", place.label())
            .register(registry);
      }
    }
    Gauge ringFill =
        Gauge.builder(
                "gadgetflow.node.ring.buffer.fill.ratio", session, Metered::takeRingBufferFill)
            .description("The fullest the gadget's ring buffer was since the previous scrape")
            .tag("gadget", gadget)
            .tag("trace", trace.traceNamespace() + "/" + trace.traceName())
            .register(registry);
    running.put(session, new Running(gadget, ringFill));
  }

  /** Keeps the last counters of a gadget that stopped; call after closing its session. */
  public synchronized void stopped(Metered session) {
    Running stopped = running.remove(session);
    if (stopped == null) {
      return;
    }
    registry.remove(stopped.ringFill());
    EventCounters last = session.counters();
    stoppedByGadget.merge(
        stopped.gadget(),
        last,
        (a, b) -> new EventCounters(a.events() + b.events(), lostAt(a).plus(lostAt(b))));
  }

  /** Counters that do not say where their losses happened (none of the agent's): the kernel's. */
  private static Losses lostAt(EventCounters counters) {
    return counters.lostAt() != null
        ? counters.lostAt()
        : new Losses(counters.lost(), 0, 0, 0, 0, 0);
  }

  private synchronized double total(String gadget, ToLongFunction<EventCounters> which) {
    long total = which.applyAsLong(stoppedByGadget.getOrDefault(gadget, EventCounters.NONE));
    for (Map.Entry<Metered, Running> entry : running.entrySet()) {
      if (entry.getValue().gadget().equals(gadget)) {
        total += which.applyAsLong(entry.getKey().counters());
      }
    }
    return total;
  }
}
