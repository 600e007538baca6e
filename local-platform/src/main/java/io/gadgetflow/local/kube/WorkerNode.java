package io.gadgetflow.local.kube;

import java.util.Objects;

/**
 * The node whose kubelet joins a local control plane, which then runs what a cluster needs to run
 * pods: the API server listens on the node's address at port 443 (the port of the {@code
 * kubernetes} service, which pods connect to), admits service accounts and authorises kubelets as
 * nodes, and kube-controller-manager and kube-scheduler run beside it.
 *
 * @param name the node's name, as its kubelet registers it
 * @param address a local address that this machine and the node's pods reach; the API server, the
 *     kubelet and the services of the cluster listen there
 * @param serviceIpRange the services' virtual addresses; its first address is the {@code
 *     kubernetes} service's, and must be {@code address}, so that pods reach the API server there
 *     without a service proxy
 */
public record WorkerNode(String name, String address, String serviceIpRange) {
  /** The port of the {@code kubernetes} service, where pods look for the API server. */
  public static final int API_SERVER_PORT = 443;

  public WorkerNode {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(serviceIpRange, "serviceIpRange");
  }

  /** The user the node's kubelet authenticates as, which the Node authorizer recognises. */
  String kubeletUser() {
    return "system:node:" + name;
  }
}
