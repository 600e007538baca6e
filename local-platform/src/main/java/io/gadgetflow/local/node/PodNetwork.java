package io.gadgetflow.local.node;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The node's network, on this machine alone: a bridge that holds the node's address (where the API
 * server, the kubelet and Kafka listen) and the pods' gateway, and a CNI configuration that puts
 * every pod on that bridge with routes to the pod subnet and to the node's address only. Nothing is
 * forwarded or translated: a pod reaches the other pods and the node's address, and no other host
 * (it has no default route), so no traffic leaves the machine.
 *
 * @param bridge the bridge's name
 * @param podSubnet the pods' addresses, e.g. {@code 198.18.1.0/24}
 * @param podGateway the bridge's address in {@code podSubnet}, the next hop to the node's address
 */
public record PodNetwork(String bridge, String podSubnet, String podGateway) {
  /**
   * In 198.18.0.0/15, which RFC 2544 sets aside for benchmarking networks and no real network
   * routes, so it clashes with none a machine is on; the node's address is 198.18.0.1.
   */
  public static final PodNetwork DEFAULT =
      new PodNetwork("gadgetflow0", "198.18.1.0/24", "198.18.1.1");

  /** The CNI network's name, the prefix of the results libcni caches for its pods. */
  static final String CNI_NETWORK = "gadgetflow";

  /** Where Debian's containernetworking-plugins puts the CNI plugins. */
  static final Path CNI_PLUGINS = Path.of("/usr/lib/cni");

  public PodNetwork {
    Objects.requireNonNull(bridge, "bridge");
    Objects.requireNonNull(podSubnet, "podSubnet");
    Objects.requireNonNull(podGateway, "podGateway");
    prefixLength(podSubnet);
  }

  /**
   * Makes the bridge with {@code nodeAddress} and the pods' gateway on it, replacing one an earlier
   * run left behind. The bridge gets a hardware address of its own: one the kernel picks would
   * follow the lowest of its ports' addresses, so a pod that joins with a lower one would change
   * the gateway's address under every other pod, whose frames then go to the old one and are
   * dropped until its neighbour entry expires (up to about 45 s: the e2e tier's Kafka fetches and
   * API requests from pods stalled that long).
   */
  public void create(String nodeAddress) {
    remove();
    HostCommand.run(
        List.of(
            "ip",
            "link",
            "add",
            bridge,
            "address",
            hardwareAddress(nodeAddress),
            "type",
            "bridge"));
    HostCommand.run(
        List.of("ip", "address", "add", podGateway + "/" + prefixLength(podSubnet), "dev", bridge));
    HostCommand.run(List.of("ip", "address", "add", nodeAddress + "/32", "dev", bridge));
    HostCommand.run(List.of("ip", "link", "set", bridge, "up"));
  }

  /**
   * Deletes the bridge and the pods' ends of links still attached to it (a pod whose sandbox was
   * never torn down keeps its veth pair alive), if there is a bridge.
   */
  public void remove() {
    if (HostCommand.attempt(List.of("ip", "link", "show", bridge)).exitCode() != 0) {
      return;
    }
    String ports = HostCommand.run(List.of("ip", "-o", "link", "show", "master", bridge));
    for (String line : ports.lines().toList()) {
      // "7: veth1a8370e9@if2: <BROADCAST,..." names the link before the "@".
      String[] fields = line.split(": ", 3);
      if (fields.length >= 2) {
        String link = fields[1].split("@", 2)[0];
        HostCommand.attempt(List.of("ip", "link", "delete", link));
      }
    }
    HostCommand.run(List.of("ip", "link", "delete", bridge));
  }

  /**
   * The CNI configuration (a conflist) of the pods' network: the bridge plugin without a gateway of
   * its own (the bridge has it already, and a gateway would make the plugin turn on IP forwarding)
   * and without masquerading; host-local addresses, with routes to {@code nodeAddress} through the
   * gateway.
   */
  String cniConfiguration(String nodeAddress, Path addressesDirectory) {
    Map<String, Object> ipam =
        Map.of(
            "type",
            "host-local",
            "dataDir",
            addressesDirectory.toString(),
            "ranges",
            List.of(List.of(Map.of("subnet", podSubnet, "gateway", podGateway))),
            "routes",
            List.of(Map.of("dst", nodeAddress + "/32", "gw", podGateway)));
    Map<String, Object> bridgePlugin =
        Map.of(
            "type", "bridge", "bridge", bridge, "isGateway", false, "ipMasq", false, "ipam", ipam);
    return new KubernetesSerialization()
        .asJson(
            Map.of("cniVersion", "1.0.0", "name", CNI_NETWORK, "plugins", List.of(bridgePlugin)));
  }

  /**
   * A locally administered unicast address (02:00, then the four bytes of {@code nodeAddress}), so
   * that it is the same in every run and clashes with no card's.
   */
  static String hardwareAddress(String nodeAddress) {
    String[] bytes = nodeAddress.split("\\.", -1);
    if (bytes.length != 4) {
      throw new IllegalArgumentException("The node's address must be IPv4, not " + nodeAddress);
    }
    StringBuilder address = new StringBuilder("02:00");
    for (String part : bytes) {
      address.append(':').append("%02x".formatted(Integer.parseInt(part)));
    }
    return address.toString();
  }

  private static int prefixLength(String subnet) {
    String[] parts = subnet.split("/", 2);
    try {
      int length = parts.length == 2 ? Integer.parseInt(parts[1]) : -1;
      if (length >= 8 && length <= 30) {
        return length;
      }
    } catch (NumberFormatException e) {
      // Reported below with the value.
    }
    throw new IllegalArgumentException(
        "podSubnet must be an IPv4 subnet with a prefix of 8 to 30 bits, such as 198.18.1.0/24, not "
            + subnet);
  }
}
