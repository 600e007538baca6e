package io.gadgetflow.web.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.testing.PoisonRecords;
import io.gadgetflow.testing.SeededCases;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The live feed's reading of each record, fed what anybody who may write the topics could. */
class FeedRecordsTest {
  private static final String UID = "6f1c2a9e-0b7d-4a53-9d59-3e2f1c0b8a71";
  private static final byte[] EVENT =
      "{\"timestamp\":1,\"type\":\"normal\",\"pid\":4,\"comm\":\"true\",\"node\":\"n\"}"
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] REPORT =
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
              Instant.EPOCH));

  private final List<String> told = new ArrayList<>();
  private final FeedRecords records = new FeedRecords(told::add);

  @Test
  void anEventsRecordBecomesOneJsonObjectOrIsCounted() {
    SeededCases.check(
        2000,
        random ->
            eventBecomesAnObjectOrIsCounted(
                random.nextBoolean() ? UID : null, PoisonRecords.value(EVENT, random)));
  }

  @Test
  void aStatusRecordBecomesASightingOrIsCounted() {
    SeededCases.check(
        2000,
        random ->
            statusBecomesASightingOrIsCounted(
                random.nextBoolean() ? UID : null, PoisonRecords.value(REPORT, random)));
  }

  private void eventBecomesAnObjectOrIsCounted(String key, byte[] value) throws Exception {
    List<LiveEvent> events = new ArrayList<>();
    long skippedBefore = records.skipped();

    records.toLiveEvent(new ConsumerRecord<>("gadget.events", 0, 7, key, value), events);

    for (LiveEvent event : events) {
      assertThat(Json.mapper().readTree(event.json()).isObject()).isTrue();
      assertThat(event.traceUid()).isEqualTo(key);
    }
    assertThat(events.size() + records.skipped() - skippedBefore).isEqualTo(1);
  }

  private void statusBecomesASightingOrIsCounted(String key, byte[] value) {
    List<FeedRecords.NodeSighting> sightings = new ArrayList<>();
    long skippedBefore = records.skipped();

    records.toSighting(new ConsumerRecord<>("gadget.status", 0, 7, key, value), sightings);

    sightings.forEach(sighting -> assertThat(sighting.node()).isNotBlank());
    assertThat(sightings.size() + records.skipped() - skippedBefore).isEqualTo(1);
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
}
