package io.gadgetflow.web.live;

import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.kafka.ContractRecords;
import io.gadgetflow.kafka.ContractRecords.Read;
import io.gadgetflow.kafka.RecordFault;
import io.gadgetflow.kafka.SkippedRecords;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the live feed makes of each record it reads: an event for the sockets of its trace, a
 * sighting of a node, or a skipped record, counted by kind. Never throws, whatever the record.
 */
final class FeedRecords {
  /**
   * The largest event passed on to browsers: larger than a top gadget's report of its most rows
   * (500), well below Kafka's record limit, whose records each socket's queue would otherwise hold
   * a thousand of.
   */
  static final int MAX_EVENT_BYTES = 256 * 1024;

  /** A node that reported at a time: it runs an agent. */
  record NodeSighting(String node, Instant at) {}

  private final SkippedRecords skippedEvents;
  private final SkippedRecords skippedReports;

  /**
   * @param firstOfKind where the first skipped record of each kind is told
   */
  FeedRecords(Consumer<String> firstOfKind) {
    this.skippedEvents = new SkippedRecords("web-events", firstOfKind);
    this.skippedReports = new SkippedRecords("web-status", firstOfKind);
  }

  void bindTo(MeterRegistry registry) {
    skippedEvents.bindTo(registry);
    skippedReports.bindTo(registry);
  }

  long skipped() {
    return skippedEvents.total() + skippedReports.total();
  }

  /**
   * The record's events (one, or a batch record's several: docs/events.md) as live events, unless
   * it holds none: no trace uid, an event that is not one JSON object (pasted unparsed into a
   * frame, it would make a browser's whole batch unreadable), or one larger than any event a node
   * agent writes. A batch record's events share its offset.
   */
  void toLiveEvent(ConsumerRecord<String, byte[]> record, List<LiveEvent> out) {
    switch (ContractRecords.events(
        record.key(), record.value(), record.headers(), MAX_EVENT_BYTES)) {
      case Read.Valid<List<String>>(List<String> jsons) -> {
        for (String json : jsons) {
          out.add(new LiveEvent(record.key(), record.partition(), record.offset(), json));
        }
      }
      case Read.Skipped<List<String>>(RecordFault fault, String detail) ->
          skippedEvents.skip(where(record), fault, detail);
    }
  }

  /** The node that sent a report of the status topic, and when. */
  void toSighting(ConsumerRecord<String, byte[]> record, List<NodeSighting> out) {
    switch (ContractRecords.nodeReport(record.key(), record.value())) {
      case Read.Valid<NodeReport>(NodeReport report) ->
          out.add(new NodeSighting(report.node(), Instant.ofEpochMilli(record.timestamp())));
      case Read.Skipped<NodeReport>(RecordFault fault, String detail) ->
          skippedReports.skip(where(record), fault, detail);
    }
  }

  private static String where(ConsumerRecord<String, byte[]> record) {
    return SkippedRecords.where(record.topic(), record.partition(), record.offset());
  }
}
