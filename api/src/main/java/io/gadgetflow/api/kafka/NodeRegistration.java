package io.gadgetflow.api.kafka;

import java.time.Instant;

/**
 * A value of the {@code gadget.nodes} topic: a node agent asks the controller to trust the key it
 * signs its status records with. The key is {@link #node()}. Only the controller may read the
 * topic: the record carries the agent's secret and a token of its service account.
 *
 * @param node the node the agent runs on, as its Traces name it
 * @param key the agent's status key, base64
 * @param token the agent's projected service account token (audience {@code gadgetflow-node}),
 *     which the controller reviews with the API server: it names the service account and the node
 *     the agent's pod runs on
 * @param time when the agent wrote it
 */
public record NodeRegistration(String node, String key, String token, Instant time) {
  @Override
  public String toString() {
    return "NodeRegistration[node=" + node + ", time=" + time + "]";
  }
}
