package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.testing.DnsServer;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.TlsServer;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl gadget trace dns} and {@code kubectl gadget snapshot socket}, run by the real
 * kubectl against the run's API server and broker, with the controller and this machine's node
 * agent (which watches the host's network namespace) in this JVM.
 */
@WithKafka
@WithKubernetes
// The Node objects registered for a test are its try-with-resources, referenced by nothing else.
@SuppressWarnings("try")
class NetworkGadgetsIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  static GadgetFlowRoles roles;

  @BeforeAll
  static void startControllerAndNodeAgent(KubernetesCluster cluster, KafkaBroker kafka) {
    roles = GadgetFlowRoles.start(cluster, kafka);
  }

  @AfterAll
  static void stopControllerAndNodeAgent() {
    if (roles != null) {
      roles.close();
    }
  }

  @Test
  void traceDnsPrintsTheLookupsOfTheNodeInColumns(KubernetesCluster cluster, KafkaBroker kafka)
      throws Exception {
    try (AutoCloseable registered = GadgetFlowRoles.registerNodes(cluster, roles.node());
        DnsServer server = DnsServer.startOnHost()) {
      PluginProcess plugin =
          PluginProcess.start(
              roles.environment(),
              "trace",
              "dns",
              "-A",
              "-o",
              "custom-columns=node,qr,pktType,qtype,name,rcode,addresses",
              "--kubeconfig",
              cluster.kubeconfig().toString(),
              "--kafka-bootstrap",
              kafka.bootstrapServers());
      try {
        // The Trace may not run yet: a lookup before it does is not seen, so look up until one is.
        String marker = "kubectl-gadget-it-" + UUID.randomUUID();
        awaitLine(plugin, server, marker);
        server.query(DnsServer.KNOWN_NAME, "A");
        List<String> answer =
            columns(
                awaitLine(
                    plugin,
                    line ->
                        line.contains("known.test.")
                            && line.contains(" R ")
                            && line.contains(" HOST ")));

        assertThat(answer)
            .containsExactly(
                roles.node(), "R", "HOST", "A", "known.test.", "No", "Error", DnsServer.KNOWN_IPV4);
        plugin.interrupt();
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isEqualTo(130);
        assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
      } finally {
        plugin.kill();
      }
    }
  }

  @Test
  void traceSniPrintsTheServerNamesOfTheNodeAsJson(KubernetesCluster cluster, KafkaBroker kafka)
      throws Exception {
    try (AutoCloseable registered = GadgetFlowRoles.registerNodes(cluster, roles.node());
        TlsServer server = TlsServer.startOnHost()) {
      PluginProcess plugin =
          PluginProcess.start(
              roles.environment(),
              "trace",
              "sni",
              "-A",
              "-o",
              "json",
              "--kubeconfig",
              cluster.kubeconfig().toString(),
              "--kafka-bootstrap",
              kafka.bootstrapServers());
      try {
        // The Trace may not run yet: a handshake before it does is not seen, so shake hands
        // until one is.
        String marker = "kubectl-gadget-it-" + UUID.randomUUID();
        Instant deadline = Instant.now().plus(TIMEOUT);
        JsonNode event = null;
        for (int attempt = 0; event == null && Instant.now().isBefore(deadline); attempt++) {
          long client = server.handshake(marker + "-" + attempt + ".example.test");
          String line = awaitLine(plugin, l -> l.contains(marker), Instant.now().plusSeconds(2));
          if (line != null) {
            event = Json.mapper().readTree(line);
            assertThat(event.path("pid").asLong()).isEqualTo(client);
          }
        }
        assertThat(event).as("an sni event; stderr: " + plugin.stderr()).isNotNull();
        assertThat(event.path("node").asText()).isEqualTo(roles.node());
        assertThat(event.path("comm").asText()).isEqualTo("openssl");
        plugin.interrupt();
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isEqualTo(130);
        assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
      } finally {
        plugin.kill();
      }
    }
  }

  @Test
  void snapshotSocketPrintsTheSocketsOfTheNodeOnceAsJson(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      PluginProcess plugin =
          PluginProcess.start(
              roles.environment(),
              "snapshot",
              "socket",
              "-A",
              "--node",
              roles.node(),
              "-o",
              "json",
              "--kubeconfig",
              cluster.kubeconfig().toString(),
              "--kafka-bootstrap",
              kafka.bootstrapServers());
      try {
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isZero();

        JsonNode result = Json.mapper().readTree(plugin.remainingStdout().getFirst());
        assertThat(result.path("node").asText()).isEqualTo(roles.node());
        List<JsonNode> ours = new ArrayList<>();
        result
            .path("output")
            .forEach(
                socket -> {
                  if (socket.path("localPort").asInt() == listening.getLocalPort()) {
                    ours.add(socket);
                  }
                });
        assertThat(ours)
            .singleElement()
            .matches(socket -> socket.path("status").asText().equals("LISTEN"))
            .matches(socket -> socket.path("protocol").asText().equals("TCP"));
        assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
      } finally {
        plugin.kill();
      }
    }
  }

  /** Looks up {@code marker}-N.test until the plugin prints a line about one of them. */
  private static String awaitLine(PluginProcess plugin, DnsServer server, String marker)
      throws Exception {
    Instant deadline = Instant.now().plus(TIMEOUT);
    for (int attempt = 0; Instant.now().isBefore(deadline); attempt++) {
      server.query(marker + "-" + attempt + ".test", "A");
      Instant lookUntil = Instant.now().plusSeconds(2);
      for (String line = plugin.nextLine(Duration.ofSeconds(2));
          line != null && Instant.now().isBefore(lookUntil);
          line = plugin.nextLine(Duration.between(Instant.now(), lookUntil))) {
        if (line.contains(marker)) {
          return line;
        }
      }
    }
    throw new AssertionError("no dns event with " + marker + "; stderr: " + plugin.stderr());
  }

  private static String awaitLine(PluginProcess plugin, java.util.function.Predicate<String> wanted)
      throws Exception {
    String line = awaitLine(plugin, wanted, Instant.now().plus(TIMEOUT));
    if (line == null) {
      throw new AssertionError("no such line; stderr: " + plugin.stderr());
    }
    return line;
  }

  /** The first line {@code wanted} before {@code deadline}, or null. */
  private static String awaitLine(
      PluginProcess plugin, java.util.function.Predicate<String> wanted, Instant deadline)
      throws Exception {
    while (Instant.now().isBefore(deadline)) {
      String line = plugin.nextLine(Duration.between(Instant.now(), deadline));
      if (line != null && wanted.test(line)) {
        return line;
      }
    }
    return null;
  }

  private static List<String> columns(String line) {
    return List.of(line.trim().split("\\s+"));
  }
}
