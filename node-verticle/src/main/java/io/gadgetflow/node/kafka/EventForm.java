package io.gadgetflow.node.kafka;

import java.util.Locale;

/**
 * How a node agent writes its traces' events to {@code gadget.events} (docs/events.md): one record
 * per event, what every consumer reads, or batch records of several events of one trace, which cost
 * Kafka's producer a fraction of the CPU per event and are for nodes whose event rates the
 * per-event form cannot carry (docs/benchmarks.md, issue 18).
 */
public enum EventForm {
  /** One event per record, with its CloudEvents headers: the default. */
  RECORD,
  /**
   * Up to {@link EventSink#MAX_BATCH_EVENTS} events of one trace per record, one JSON object a
   * line, the CloudEvents headers once; an event that comes alone still goes as a record of its
   * own.
   */
  BATCH;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
