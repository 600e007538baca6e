package io.gadgetflow.bench.peers;

import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.bench.nodepath.BenchContainer;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.trace.open.OpenGadget;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.trace.SharedGadget;
import io.gadgetflow.node.trace.TraceSession;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Issue 18's flood isolation, measured: two pods' containers on this machine, one opening files as
 * fast as it can be made to (a storm at 1,000,000 opens/s), the other at 1,000/s, each traced by a
 * Trace of its own (opensnoop, filtered by pod) on one loaded gadget with the agent's defaults: the
 * default ring, the default event queue, the agent's producer into the broker of bench/peers.
 *
 * <p>The gadget, its reader and the producer run in the bench's JVM (not the DaemonSet's): the
 * agent of the main table has no API server to learn pods from, and a filtered trace needs one.
 * What is measured is what the agent's classes do with the two traces' events, kernel to Kafka.
 */
final class FloodIsolation {
  static final long FLOOD_RATE = 1_000_000;
  static final long QUIET_RATE = 1_000;
  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  private FloodIsolation() {}

  /** The table's rows, one per trace. */
  static List<String> run(Path storm, String bootstrap, String node, int seconds) throws Exception {
    NodeConfig config = NodeConfig.defaults(node, bootstrap);
    try (ContainerRegistry registry = BenchContainer.newRegistry();
        BenchContainer flooder = BenchContainer.start(registry, "flooder");
        BenchContainer quiet = BenchContainer.start(registry, "quiet");
        EventSink sink =
            EventSink.create(
                config.kafka(),
                node,
                config.topics().events(),
                config.eventQueueBytes(),
                config.eventForm(),
                null,
                new Supervision())) {
      SharedGadget gadget =
          SharedGadget.load(
              OpenGadget.PROGRAM,
              true,
              config.ringBufferBytes(),
              GadgetParameters.defaults(OpenGadget.PROGRAM.descriptor()),
              sink,
              node,
              registry);
      try (TraceSession flooding = gadget.join(trace(node, "flooder"), Optional.empty());
          TraceSession steady = gadget.join(trace(node, "quiet"), Optional.empty())) {
        Process flooderStorm = Storm.start(storm, flooder.nsenter(), "open", FLOOD_RATE, seconds);
        Process quietStorm = Storm.start(storm, quiet.nsenter(), "open", QUIET_RATE, seconds);
        Storm flood = Storm.await(flooderStorm);
        Storm calm = Storm.await(quietStorm);
        awaitAccounted(flooding, flood, steady, calm);
        List<String> rows = new ArrayList<>();
        rows.add(row("flooder", FLOOD_RATE, flood, flooding.counters()));
        rows.add(row("quiet", QUIET_RATE, calm, steady.counters()));
        return rows;
      } finally {
        gadget.close();
      }
    }
  }

  /**
   * Until each trace's events are delivered or counted lost, or nothing changed for a while. The
   * storm's process opens its libraries first, so a trace may count a few events more than calls.
   */
  private static void awaitAccounted(
      TraceSession flooding, Storm flood, TraceSession steady, Storm calm)
      throws InterruptedException {
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    while (System.nanoTime() < deadline
        && (accounted(flooding) < flood.offered() || accounted(steady) < calm.offered())) {
      Thread.sleep(100);
    }
  }

  private static long accounted(TraceSession session) {
    EventCounters counters = session.counters();
    return counters.events() + counters.lost();
  }

  private static String row(String pod, long rate, Storm storm, EventCounters counters) {
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %,.0f | %,d | %,d | %,d |",
        pod,
        rate,
        storm.achievedRate(),
        storm.offered(),
        counters.events(),
        counters.lost());
  }

  private static ControlRecord trace(String node, String pod) {
    return ControlRecord.streamStart(
        "flood-" + pod,
        UUID.randomUUID().toString(),
        node,
        OpenGadget.PROGRAM.descriptor().name(),
        new TraceFilter("bench", pod, null, Map.of()),
        UUID.randomUUID().toString(),
        Instant.now());
  }
}
