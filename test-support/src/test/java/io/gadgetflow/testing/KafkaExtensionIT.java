package io.gadgetflow.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs two test classes as one test run and checks they share a broker that ends with the run. */
class KafkaExtensionIT {
  private static final List<String> SEEN_BOOTSTRAP_SERVERS = new CopyOnWriteArrayList<>();

  @Test
  void testClassesOfOneRunShareOneBrokerThatStopsWhenTheRunEnds() {
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(FirstUser.class), selectClass(SecondUser.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.succeeded(2).failed(0));

    assertThat(SEEN_BOOTSTRAP_SERVERS).hasSize(2).containsOnly(SEEN_BOOTSTRAP_SERVERS.getFirst());
    assertThat(accepts(SEEN_BOOTSTRAP_SERVERS.getFirst())).isFalse();
  }

  private static boolean accepts(String bootstrapServers) {
    String[] hostAndPort = bootstrapServers.split(":");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(hostAndPort[0], Integer.parseInt(hostAndPort[1])), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @WithKafka
  static class FirstUser {
    @Test
    void remembersItsBroker(KafkaBroker kafka) {
      SEEN_BOOTSTRAP_SERVERS.add(kafka.bootstrapServers());
    }
  }

  @WithKafka
  static class SecondUser {
    @Test
    void remembersItsBroker(KafkaBroker kafka) {
      SEEN_BOOTSTRAP_SERVERS.add(kafka.bootstrapServers());
    }
  }
}
