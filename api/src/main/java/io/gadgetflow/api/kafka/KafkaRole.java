package io.gadgetflow.api.kafka;

/**
 * The kinds of Kafka client GadgetFlow has, each with a principal of its own, so that the broker's
 * ACLs can let each do only what it does. A node agent commands nothing, a controller sends no
 * events, and the dashboard and {@code kubectl gadget} only read.
 */
public enum KafkaRole {
  /** The node agent: reads its commands, writes its answers and its gadgets' events. */
  NODE("gadgetflow-node"),
  /** The controller: hands operations to nodes and reads their answers. */
  CONTROLLER("gadgetflow-controller"),
  /** The web UI: reads events and the nodes' answers. */
  WEB("gadgetflow-web"),
  /** {@code kubectl gadget}, and any person who only watches: reads events and answers. */
  VIEWER("gadgetflow-viewer");

  /** The consumer group all controller replicas share to read the nodes' answers. */
  public static final String CONTROLLER_GROUP = "gadgetflow-controller";

  private final String userName;

  KafkaRole(String userName) {
    this.userName = userName;
  }

  /** The SASL user name, e.g. {@code gadgetflow-node}. */
  public String userName() {
    return userName;
  }

  /** The Kafka principal the broker sees for this user, e.g. {@code User:gadgetflow-node}. */
  public String principal() {
    return "User:" + userName;
  }
}
