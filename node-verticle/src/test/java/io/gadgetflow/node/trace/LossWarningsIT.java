package io.gadgetflow.node.trace;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.Losses;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.trace.open.OpenGadget;
import io.gadgetflow.node.kafka.EventForm;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.testing.StreamTraceStarts;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A storm of opens into a one-page ring that its reader cannot keep empty: the kernel drops events,
 * the trace's warning events say how many and where, and together they tell exactly what its
 * counters say was lost before Kafka, place by place.
 */
class LossWarningsIT {
  private static final int ONE_PAGE_RING = 4096;
  private static final int OPENS = 200_000;

  @Test
  void warningsSayWhereTheEventsWereLostAndAddUpToTheCounters() throws Exception {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    try (ContainerRegistry containers = ContainerRegistry.withoutPods();
        EventSink sink =
            EventSink.around(producer, "gadget.events", 16 * 1024 * 1024, EventForm.RECORD)) {
      SharedGadget gadget =
          SharedGadget.load(
              OpenGadget.PROGRAM,
              false,
              ONE_PAGE_RING,
              GadgetParameters.defaults(OpenGadget.PROGRAM.descriptor()),
              sink,
              "node-1",
              containers);
      try (TraceSession session = gadget.join(trace(), Optional.empty())) {
        Process storm =
            new ProcessBuilder(
                    "perl", "-e", "for (1.." + OPENS + ") { open(my $f, \"<\", \"/dev/null\") }")
                .inheritIO()
                .start();
        assertThat(storm.waitFor(120, TimeUnit.SECONDS)).isTrue();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Losses warned = warnedLosses(producer);
        while (!warned.equals(session.counters().lostAt()) && System.nanoTime() < deadline) {
          Thread.sleep(50);
          warned = warnedLosses(producer);
        }
        EventCounters counters = session.counters();
        assertThat(counters.lost()).as("the kernel dropped events of the storm").isPositive();
        assertThat(counters.lostAt().kernel() + counters.lostAt().share())
            .isEqualTo(counters.lost());
        assertThat(warned).isEqualTo(counters.lostAt());
      } finally {
        gadget.close();
      }
    }
  }

  /** The places of every warning's {@code lostAt}, summed; each must add up to its message. */
  private static Losses warnedLosses(MockProducer<byte[], byte[]> producer) throws Exception {
    Losses warned = Losses.NONE;
    List<byte[]> values = producer.history().stream().map(record -> record.value()).toList();
    for (byte[] value : values) {
      JsonNode event = Json.mapper().readTree(new String(value, UTF_8));
      if (!"warn".equals(event.path("type").asText())) {
        continue;
      }
      JsonNode at = event.get("lostAt");
      Losses these =
          new Losses(
              at.path("kernel").asLong(),
              at.path("share").asLong(),
              at.path("decoder").asLong(),
              at.path("queue").asLong(),
              at.path("kafka").asLong(),
              at.path("file").asLong());
      assertThat(event.get("message").asText()).isEqualTo("lost " + these.total() + " samples");
      warned = warned.plus(these);
    }
    return warned;
  }

  private static ControlRecord trace() {
    return StreamTraceStarts.of(
        "open-storm", "uid-storm", "node-1", "opensnoop", "op-storm", Instant.EPOCH);
  }
}
