package io.gadgetflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gadgetflow.api.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSecurityTest {

  private static KafkaSecurity read(Map<String, String> env) {
    return KafkaSecurity.fromSettings(new Settings(env));
  }

  @Test
  void plaintextWhenNothingIsSet() {
    assertThat(read(Map.of())).isEqualTo(KafkaSecurity.PLAINTEXT);
    assertThat(KafkaSecurity.PLAINTEXT.clientProperties())
        .containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
  }

  @Test
  void saslScramOverTlsFromUserAndPassword() {
    KafkaSecurity security =
        read(
            Map.of(
                "GADGETFLOW_KAFKA_SECURITY_PROTOCOL", "sasl_ssl",
                "GADGETFLOW_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "GADGETFLOW_KAFKA_SASL_USERNAME", "gadgetflow",
                "GADGETFLOW_KAFKA_SASL_PASSWORD", "p\"w",
                "GADGETFLOW_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka-ca/ca.crt",
                "GADGETFLOW_KAFKA_SSL_TRUSTSTORE_TYPE", "PEM"));

    assertThat(security.clientProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"gadgetflow\" password=\"p\\\"w\";")
        .containsEntry("ssl.truststore.location", "/etc/kafka-ca/ca.crt")
        .containsEntry("ssl.truststore.type", "PEM")
        .doesNotContainKey("ssl.keystore.location");
    assertThat(security.toString()).doesNotContain("p\"w").contains("(set)");
  }

  @Test
  void tlsSettingsAreIgnoredWithoutTls() {
    KafkaSecurity security =
        read(
            Map.of(
                "GADGETFLOW_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "GADGETFLOW_KAFKA_SASL_MECHANISM", "PLAIN",
                "GADGETFLOW_KAFKA_SASL_JAAS_CONFIG", "custom required;",
                "GADGETFLOW_KAFKA_SSL_TRUSTSTORE_LOCATION", "/ca.p12"));

    assertThat(security.clientProperties())
        .containsEntry("sasl.jaas.config", "custom required;")
        .doesNotContainKey("ssl.truststore.location");
  }

  @Test
  void mistakesNameTheVariable() {
    assertThatThrownBy(() -> read(Map.of("GADGETFLOW_KAFKA_SECURITY_PROTOCOL", "TLS")))
        .hasMessageContaining("GADGETFLOW_KAFKA_SECURITY_PROTOCOL");
    assertThatThrownBy(() -> read(Map.of("GADGETFLOW_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")))
        .hasMessageContaining("GADGETFLOW_KAFKA_SASL_MECHANISM");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "GADGETFLOW_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "GADGETFLOW_KAFKA_SASL_MECHANISM", "PLAIN",
                        "GADGETFLOW_KAFKA_SASL_USERNAME", "u")))
        .hasMessageContaining("GADGETFLOW_KAFKA_SASL_USERNAME and _PASSWORD");
  }
}
