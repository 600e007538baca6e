package io.gadgetflow.local.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaConfigTest {
  private static final Path HOME = Path.of("/home/ada");

  @Test
  void defaultsUseKafkasPortAndTheContractsTopics() {
    EmbeddedKafkaConfig config = EmbeddedKafkaConfig.defaults();

    assertThat(config.port()).isEqualTo(9092);
    assertThat(config.topics()).isEqualTo(ContractTopics.DEFAULTS);
    assertThat(config.dataDir()).endsWithRaw(Path.of("gadgetflow/kafka"));
  }

  @Test
  void portZeroMeansAnyFreePortAndOthersMustBeValid() {
    EmbeddedKafkaConfig config = EmbeddedKafkaConfig.defaults();

    assertThat(config.withPort(0).port()).isZero();
    assertThatIllegalArgumentException().isThrownBy(() -> config.withPort(-1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> config.withPort(65536))
        .withMessageContaining("65536");
  }

  @Test
  void startTimeoutMustBePositive() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new EmbeddedKafkaConfig(
                    HOME, "127.0.0.1", 9092, ContractTopics.DEFAULTS, Duration.ZERO, null, false));
  }
}
