package io.gadgetflow.node.gadget;

import io.gadgetflow.node.bpf.NetworkNamespace;

/**
 * A network namespace a gadget looks into, and the pod it belongs to (empty names for the host's,
 * which the pods with {@code hostNetwork} share).
 */
public record WatchedNetwork(NetworkNamespace namespace, String podNamespace, String pod) {
  public static WatchedNetwork host(NetworkNamespace namespace) {
    return new WatchedNetwork(namespace, "", "");
  }
}
