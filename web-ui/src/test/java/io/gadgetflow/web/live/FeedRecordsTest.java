package io.gadgetflow.web.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.testing.PoisonRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The live feed's reading of each record, fed what anybody who may write the topics could. */
class FeedRecordsTest {
  private static final String UID = "6f1c2a9e-0b7d-4a53-9d59-3e2f1c0b8a71";
  private static final byte[] EVENT =
      "{\"timestamp\":1,\"type\":\"normal\",\"pid\":4,\"comm\":\"true\",\"node\":\"n\"}"
          .getBytes(StandardCharsets.UTF_8);

  private final List<String> told = new ArrayList<>();
  private final FeedRecords records = new FeedRecords(told::add);

  @Property(tries = 2000)
  void anEventsRecordBecomesOneJsonObjectOrIsCounted(
      @ForAll("keys") String key, @ForAll("events") byte[] value) throws Exception {
    List<LiveEvent> events = new ArrayList<>();

    records.toLiveEvent(new ConsumerRecord<>("gadget.events", 0, 7, key, value), events);

    for (LiveEvent event : events) {
      assertThat(Json.mapper().readTree(event.json()).isObject()).isTrue();
      assertThat(event.traceUid()).isEqualTo(key);
    }
    assertThat(events.size() + records.skipped()).isPositive();
  }

  @Property(tries = 2000)
  void aStatusRecordBecomesASightingOrIsCounted(
      @ForAll("keys") String key, @ForAll("reports") byte[] value) {
    List<FeedRecords.NodeSighting> sightings = new ArrayList<>();

    records.toSighting(new ConsumerRecord<>("gadget.status", 0, 7, key, value), sightings);

    sightings.forEach(sighting -> assertThat(sighting.node()).isNotBlank());
  }

  @Test
  void eachKindOfBadRecordIsToldOnceAndCountedInTheMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    records.bindTo(registry);
    List<LiveEvent> events = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      records.toLiveEvent(new ConsumerRecord<>("gadget.events", 0, i, UID, new byte[] {1}), events);
      records.toLiveEvent(
          new ConsumerRecord<>("gadget.events", 0, i, UID, "[]".getBytes()), events);
    }
    records.toLiveEvent(new ConsumerRecord<>("gadget.events", 0, 9, UID, EVENT), events);

    assertThat(events).hasSize(1);
    assertThat(told).hasSize(2);
    assertThat(told.getFirst()).contains("web-events", "gadget.events-0@0", "not-json");
    assertThat(
            registry
                .get("gadgetflow.skipped.records")
                .tag("reader", "web-events")
                .tag("kind", "wrong-shape")
                .functionCounter()
                .count())
        .isEqualTo(3);
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.oneOf(Arbitraries.just(UID), Arbitraries.just(null));
  }

  @Provide
  Arbitrary<byte[]> events() {
    return PoisonRecords.values(EVENT);
  }

  @Provide
  Arbitrary<byte[]> reports() {
    return PoisonRecords.values(
        Json.encode(
            new NodeReport(
                "node-1",
                UID,
                "op-1",
                TraceState.STARTED,
                null,
                null,
                null,
                new EventCounters(1, 0),
                Instant.EPOCH)));
  }
}
