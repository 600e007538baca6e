package io.gadgetflow.node.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class ControlReaderTest {
  @Test
  void theReadersFetchesWaitFiveSecondsAtTheBrokerAndItsConsumerIsInNoGroup() {
    Properties consumer =
        ControlReader.consumerProperties(
            new KafkaClients("localhost:9092", KafkaSecurity.PLAINTEXT), "node-1");

    assertThat(consumer.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG)).isEqualTo("5000");
    assertThat(consumer).doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG);
    assertThat(consumer.get(ConsumerConfig.CLIENT_ID_CONFIG))
        .isEqualTo("gadgetflow-node-control-node-1");
  }
}
