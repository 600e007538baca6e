package io.gadgetflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class TopicFollowerTest {
  @Test
  void aCaughtUpFollowerPollsAsLongAsItsFetchesWaitAtTheBroker() {
    assertThat(TopicFollower.idlePollTimeout(fetchWait("5000"))).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aFollowerPollsHalfASecondAtLeast() {
    assertThat(TopicFollower.idlePollTimeout(new Properties())).isEqualTo(Duration.ofMillis(500));
    assertThat(TopicFollower.idlePollTimeout(fetchWait("100"))).isEqualTo(Duration.ofMillis(500));
  }

  private static Properties fetchWait(String millis) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, millis);
    return properties;
  }
}
