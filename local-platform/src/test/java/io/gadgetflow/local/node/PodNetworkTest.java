package io.gadgetflow.local.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PodNetworkTest {
  @Test
  void podsGetAnAddressOnTheBridgeAndARouteToTheNodeOnlyWithNothingForwardedOrTranslated()
      throws Exception {
    JsonNode conflist =
        new ObjectMapper()
            .readTree(
                PodNetwork.DEFAULT.cniConfiguration("198.18.0.1", Path.of("/data/addresses")));

    assertThat(conflist.at("/name").asText()).isEqualTo("gadgetflow");
    JsonNode bridge = conflist.at("/plugins/0");
    assertThat(bridge.at("/type").asText()).isEqualTo("bridge");
    assertThat(bridge.at("/bridge").asText()).isEqualTo("gadgetflow0");
    assertThat(bridge.at("/isGateway").asBoolean()).isFalse();
    assertThat(bridge.at("/ipMasq").asBoolean()).isFalse();
    JsonNode ipam = bridge.at("/ipam");
    assertThat(ipam.at("/type").asText()).isEqualTo("host-local");
    assertThat(ipam.at("/dataDir").asText()).isEqualTo("/data/addresses");
    assertThat(ipam.at("/ranges/0/0/subnet").asText()).isEqualTo("198.18.1.0/24");
    assertThat(ipam.at("/routes")).hasSize(1);
    assertThat(ipam.at("/routes/0/dst").asText()).isEqualTo("198.18.0.1/32");
    assertThat(ipam.at("/routes/0/gw").asText()).isEqualTo("198.18.1.1");
  }

  @Test
  void theBridgesHardwareAddressIsLocallyAdministeredAndNamesTheNode() {
    assertThat(PodNetwork.hardwareAddress("198.18.0.1")).isEqualTo("02:00:c6:12:00:01");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> PodNetwork.hardwareAddress("::1"))
        .withMessageContaining("::1");
  }

  @Test
  void aSubnetWithoutAUsablePrefixIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new PodNetwork("br", "198.18.1.0", "198.18.1.1"))
        .withMessageContaining("198.18.1.0");
  }
}
