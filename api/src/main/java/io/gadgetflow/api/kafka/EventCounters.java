package io.gadgetflow.api.kafka;

/**
 * How many events a gadget delivered and how many it lost since it last started.
 *
 * @param lost events dropped because the kernel ring buffer or the agent's queue was full
 */
public record EventCounters(long events, long lost) {
  public static final EventCounters NONE = new EventCounters(0, 0);
}
