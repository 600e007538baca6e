package io.gadgetflow.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs two test classes as one test run and checks they share an API server that ends with the run,
 * its data gone.
 */
class KubernetesExtensionIT {
  private static final List<URI> SEEN_SERVERS = new CopyOnWriteArrayList<>();
  private static final List<Path> SEEN_KUBECONFIGS = new CopyOnWriteArrayList<>();

  @Test
  void testClassesOfOneRunShareOneApiServerThatStopsWhenTheRunEnds() {
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(FirstUser.class), selectClass(SecondUser.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.succeeded(2).failed(0));

    assertThat(SEEN_SERVERS).hasSize(2).containsOnly(SEEN_SERVERS.getFirst());
    assertThat(SEEN_KUBECONFIGS).hasSize(2).containsOnly(SEEN_KUBECONFIGS.getFirst());
    assertThat(accepts(SEEN_SERVERS.getFirst())).isFalse();
    assertThat(Files.exists(SEEN_KUBECONFIGS.getFirst().getParent())).isFalse();
  }

  private static boolean accepts(URI server) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void remember(KubernetesCluster cluster) {
    SEEN_SERVERS.add(URI.create(cluster.client().getConfiguration().getMasterUrl()));
    SEEN_KUBECONFIGS.add(cluster.kubeconfig());
  }

  @WithKubernetes
  static class FirstUser {
    @Test
    void remembersItsCluster(KubernetesCluster cluster) {
      remember(cluster);
    }
  }

  @WithKubernetes
  static class SecondUser {
    @Test
    void remembersItsCluster(KubernetesCluster cluster) {
      remember(cluster);
    }
  }
}
