package io.gadgetflow.api.kafka;

/**
 * How many events a gadget delivered and how many it lost since it last started.
 *
 * @param lost events dropped because the kernel ring buffer or the agent's queue was full, records
 *     the agent could not decode, and events Kafka refused
 * @param lostAt the same losses by where they happened; null from a node that does not say
 */
public record EventCounters(long events, long lost, Losses lostAt) {
  public static final EventCounters NONE = new EventCounters(0, 0);

  /** Counters that do not say where their losses happened. */
  public EventCounters(long events, long lost) {
    this(events, lost, null);
  }

  /** Counters whose losses are {@code lostAt}'s. */
  public EventCounters(long events, Losses lostAt) {
    this(events, lostAt.total(), lostAt);
  }
}
