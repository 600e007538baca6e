package io.gadgetflow.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;

class BrokerPropertiesTest {

  @Test
  void kafkaAcceptsTheSingleNodeConfiguration() {
    KafkaConfig config =
        KafkaConfig.fromProps(
            BrokerProperties.singleNode(Path.of("/var/kafka"), "127.0.0.1", 19092, 19093));

    assertThat(config.nodeId()).isEqualTo(BrokerProperties.NODE_ID);
    assertThat(config.getString("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:19092");
    assertThat(config.getList("controller.quorum.voters")).containsExactly("1@127.0.0.1:19093");
    assertThat(config.getBoolean("auto.create.topics.enable")).isFalse();
  }

  @Test
  void clientsConnectToTheGivenHostWhileTheControllerStaysOnLoopback() {
    KafkaConfig config =
        KafkaConfig.fromProps(
            BrokerProperties.singleNode(Path.of("/var/kafka"), "198.18.0.1", 9092, 19093));

    assertThat(config.getString("advertised.listeners")).isEqualTo("PLAINTEXT://198.18.0.1:9092");
    assertThat(config.getString("listeners"))
        .isEqualTo("PLAINTEXT://198.18.0.1:9092,CONTROLLER://127.0.0.1:19093");
  }

  @Test
  void aClusterFencesADeadBrokerAndElectsAnotherQuorumLeaderSoonerThanKafkasDefaults() {
    String voters = "1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097";
    KafkaConfig member =
        KafkaConfig.fromProps(
            BrokerProperties.clusterNode(Path.of("/var/kafka"), 2, 19094, 19095, voters, 3));
    KafkaConfig alone =
        KafkaConfig.fromProps(
            BrokerProperties.singleNode(Path.of("/var/kafka"), "127.0.0.1", 19092, 19093));

    assertThat(member.brokerSessionTimeoutMs()).isEqualTo(3000);
    assertThat(member.brokerHeartbeatIntervalMs()).isEqualTo(1000);
    assertThat(member.getInt("controller.quorum.fetch.timeout.ms")).isEqualTo(1000);
    assertThat(alone.brokerSessionTimeoutMs()).isEqualTo(9000);
    assertThat(alone.getInt("controller.quorum.fetch.timeout.ms")).isEqualTo(2000);
  }
}
