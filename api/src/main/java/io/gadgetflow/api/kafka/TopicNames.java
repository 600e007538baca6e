package io.gadgetflow.api.kafka;

/**
 * The Kafka topics of the contract.
 *
 * @param control desired state and operations, compacted, keyed by trace uid
 * @param status node reports, keyed by trace uid
 * @param events raw gadget events, keyed by trace uid so one trace's events stay in order
 * @param nodes node agents' registrations of their status keys, compacted, keyed by node name; only
 *     the controller may read it (it carries service account tokens)
 */
public record TopicNames(String control, String status, String events, String nodes) {
  public static final String DEFAULT_NODES = "gadget.nodes";

  public static final TopicNames DEFAULTS =
      new TopicNames("gadget.control", "gadget.status", "gadget.events", DEFAULT_NODES);

  /** The three topics every role uses, with the default registration topic. */
  public TopicNames(String control, String status, String events) {
    this(control, status, events, DEFAULT_NODES);
  }

  public TopicNames withNodes(String topic) {
    return new TopicNames(control, status, events, topic);
  }
}
