package io.gadgetflow.local.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pods' bridge on this machine's kernel, under addresses apart from the platform's own. */
class PodNetworkIT {
  private static final String NODE_ADDRESS = "198.19.255.1";
  private static final PodNetwork NETWORK =
      new PodNetwork("gfpodnetit0", "198.19.254.0/24", "198.19.254.1");

  /** Lower than any address the kernel gives a veth, as a pod's link could have. */
  private static final String LOWEST_HARDWARE_ADDRESS = "00:00:00:00:00:01";

  @AfterEach
  void removeTheBridge() {
    NETWORK.remove();
  }

  @Test
  void aPodThatJoinsOrLeavesDoesNotChangeTheGatewaysHardwareAddress() {
    NETWORK.create(NODE_ADDRESS);
    String before = hardwareAddress(NETWORK.bridge());

    HostCommand.run(
        List.of(
            "ip",
            "link",
            "add",
            "gfpnit-host",
            "address",
            LOWEST_HARDWARE_ADDRESS,
            "type",
            "veth",
            "peer",
            "name",
            "gfpnit-pod"));
    HostCommand.run(List.of("ip", "link", "set", "gfpnit-host", "master", NETWORK.bridge()));
    String withThePod = hardwareAddress(NETWORK.bridge());
    HostCommand.run(List.of("ip", "link", "delete", "gfpnit-host"));

    assertThat(withThePod).isEqualTo(before);
    assertThat(hardwareAddress(NETWORK.bridge())).isEqualTo(before);
    assertThat(before).isEqualTo(PodNetwork.hardwareAddress(NODE_ADDRESS));
  }

  private static String hardwareAddress(String link) {
    // "4: gfpodnetit0: <...> mtu 1500 ... link/ether 02:00:c6:13:ff:01 brd ff:ff:ff:ff:ff:ff"
    String line = HostCommand.run(List.of("ip", "-o", "link", "show", link));
    String[] fields = line.split("link/ether ", 2)[1].split(" ", 2);
    return fields[0];
  }
}
