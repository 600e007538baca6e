package io.gadgetflow.api.kafka;

/**
 * The three Kafka topics of the contract.
 *
 * @param control desired state and operations, compacted, keyed by trace uid
 * @param status node reports, keyed by trace uid
 * @param events raw gadget events, keyed by trace uid so one trace's events stay in order
 */
public record TopicNames(String control, String status, String events) {
  public static final TopicNames DEFAULTS =
      new TopicNames("gadget.control", "gadget.status", "gadget.events");
}
