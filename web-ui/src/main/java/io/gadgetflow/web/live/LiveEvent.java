package io.gadgetflow.web.live;

/**
 * One record of the events topic on its way from the instance's Kafka consumer to the websockets
 * that show its trace, over the local event bus.
 *
 * @param json the event exactly as the node agent wrote it, checked to be one JSON object
 */
public record LiveEvent(String traceUid, int partition, long offset, String json) {

  /** The event bus address of one trace's events. */
  public static String address(String traceUid) {
    return "gadgetflow.web.events." + traceUid;
  }
}
