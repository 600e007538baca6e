package io.gadgetflow.local.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KubeletConfigTest {
  @Test
  void theKubeletRunsOnCgroupV1WithItsOwnRootAndServesOnTheNodesAddressOnly() throws Exception {
    JsonNode config =
        new ObjectMapper(new YAMLFactory())
            .readTree(
                new KubeletConfig(
                        "198.18.0.1",
                        Path.of("/data/kube/pki/ca.crt"),
                        Path.of("/data/node/containerd/containerd.sock"),
                        "/gadgetflow",
                        Path.of("/data/node/pod-logs"),
                        Path.of("/data/node/kubelet/volume-plugins"))
                    .yaml());

    assertThat(config.at("/kind").asText()).isEqualTo("KubeletConfiguration");
    assertThat(config.at("/address").asText()).isEqualTo("198.18.0.1");
    assertThat(config.at("/readOnlyPort").asInt()).isZero();
    assertThat(config.at("/authentication/anonymous/enabled").asBoolean()).isFalse();
    assertThat(config.at("/authentication/x509/clientCAFile").asText())
        .isEqualTo("/data/kube/pki/ca.crt");
    assertThat(config.at("/containerRuntimeEndpoint").asText())
        .isEqualTo("unix:///data/node/containerd/containerd.sock");
    assertThat(config.at("/cgroupDriver").asText()).isEqualTo("cgroupfs");
    assertThat(config.at("/cgroupRoot").asText()).isEqualTo("/gadgetflow");
    assertThat(config.at("/failCgroupV1").asBoolean(true)).isFalse();
    assertThat(config.at("/failSwapOn").asBoolean(true)).isFalse();
    assertThat(config.at("/makeIPTablesUtilChains").asBoolean(true)).isFalse();
    assertThat(config.at("/imageGCHighThresholdPercent").asInt()).isEqualTo(100);
    assertThat(config.at("/evictionHard/nodefs.available").asText()).isEqualTo("1%");
    assertThat(config.at("/podLogsDir").asText()).isEqualTo("/data/node/pod-logs");
  }
}
