package io.gadgetflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
  private final KafkaClients sasl =
      new KafkaClients(
          "k1:9093,k2:9093",
          KafkaSecurity.fromSettings(
              new Settings(
                  Map.of(
                      "GADGETFLOW_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                      "GADGETFLOW_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                      "GADGETFLOW_KAFKA_SASL_USERNAME", "node",
                      "GADGETFLOW_KAFKA_SASL_PASSWORD", "secret"))));

  @Test
  void everyClientCarriesTheAddressTheSecurityAndItsName() {
    assertThat(
            java.util.List.of(
                sasl.producer("p"),
                sasl.groupFreeConsumer("c"),
                sasl.groupConsumer("g", "m"),
                sasl.admin("a")))
        .allSatisfy(
            properties -> {
              assertThat(properties)
                  .containsEntry("bootstrap.servers", "k1:9093,k2:9093")
                  .containsEntry("security.protocol", "SASL_SSL")
                  .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                  .containsKey("sasl.jaas.config")
                  .containsKey("client.id");
            });
  }

  @Test
  void producersWaitForEveryInSyncReplicaAndNeverDuplicate() {
    assertThat(sasl.producer("p"))
        .containsEntry("client.id", "p")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true");
  }

  @Test
  void aGroupFreeConsumerCommitsNothingAndAGroupMemberNamesItsGroup() {
    assertThat(sasl.groupFreeConsumer("c"))
        .containsEntry("enable.auto.commit", "false")
        .doesNotContainKey("group.id");
    assertThat(sasl.groupConsumer("g", "m")).containsEntry("group.id", "g");
  }

  @Test
  void eachCallGivesAFreshSetToTuneWithoutTouchingTheNext() {
    sasl.producer("p").put("linger.ms", "5");

    assertThat(sasl.producer("p")).doesNotContainKey("linger.ms");
  }
}
