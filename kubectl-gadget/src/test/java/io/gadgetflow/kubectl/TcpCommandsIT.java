package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.PacketDrops;
import io.gadgetflow.testing.TcpPeers;
import io.gadgetflow.testing.TestNetwork;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl gadget trace tcp}, {@code top tcp}, {@code trace tcpretrans}, {@code trace
 * tcpdrop}, {@code trace tcpconnect} and {@code profile tcprtt} with the real kubectl and the built
 * plugin, against loopback connections in network namespaces of the test's own.
 */
@WithKafka
@WithKubernetes
// The Node objects registered for a test are its try-with-resources, referenced by nothing else.
@SuppressWarnings("try")
class TcpCommandsIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final int CLOSED_PORT = 9;

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
  void traceTcpPrintsTheConnectAndAcceptOfAConnection(KubernetesCluster cluster, KafkaBroker kafka)
      throws Exception {
    try (AutoCloseable registered = GadgetFlowRoles.registerNodes(cluster, roles.node());
        TestNetwork network = TestNetwork.create()) {
      PluginProcess plugin =
          trace(cluster, kafka, "tcp", "-o", "custom-columns=operation,pid,comm,sport,dport");
      try {
        assertThat(plugin.nextLine(TIMEOUT))
            .as(plugin.stderr())
            .matches("OPERATION +PID +COMM +SPORT +DPORT");
        TcpPeers.Pair pair = TcpPeers.pair(network, "127.0.0.1");

        String connect =
            "connect +%d +perl +%d +%d".formatted(pair.pid(), pair.clientPort(), pair.serverPort());
        String accept =
            "accept +%d +perl +%d +%d".formatted(pair.pid(), pair.serverPort(), pair.clientPort());
        assertThat(awaitRow(plugin, row -> row.matches(connect))).isNotNull();
        assertThat(awaitRow(plugin, row -> row.matches(accept))).isNotNull();
        interruptLeavingNoTrace(plugin, cluster);
      } finally {
        plugin.kill();
      }
    }
  }

  @Test
  void topTcpPrintsATablePerIntervalWithTheBytesOfAKnownConnection(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    int bytes = 5000;
    try (TestNetwork network = TestNetwork.create()) {
      PluginProcess plugin =
          TopFileIT.startTopTable(
              roles, cluster, kafka, "tcp", "pid,comm,sport,dport,sent,received");
      try {
        TcpPeers.Pair pair = TcpPeers.pair(network, "127.0.0.1");
        pair.startSending(bytes);
        pair.awaitReceived(bytes, TIMEOUT);

        // The bytes may fall in two intervals: the client's rows add up to what it sent.
        Pattern client =
            Pattern.compile(
                "%d +perl +%d +%d +(\\d+) +\\d+"
                    .formatted(pair.pid(), pair.clientPort(), pair.serverPort()));
        long sent = 0;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (sent < bytes && System.nanoTime() < deadline) {
          String line = plugin.nextLine(Duration.ofSeconds(1));
          Matcher row = client.matcher(line == null ? "" : line);
          if (row.matches()) {
            sent += Long.parseLong(row.group(1));
          }
        }
        assertThat(sent).as(plugin.stderr()).isEqualTo(bytes);
        interruptLeavingNoTrace(plugin, cluster);
      } finally {
        plugin.kill();
      }
    }
  }

  @Test
  void traceTcpretransPrintsARowPerRetransmissionInInspektorGadgetsColumns(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    try (AutoCloseable registered = GadgetFlowRoles.registerNodes(cluster, roles.node());
        TestNetwork network = TestNetwork.create()) {
      PluginProcess plugin = trace(cluster, kafka, "tcpretrans");
      try {
        // The header comes once the node runs the gadget: from then on every one is seen.
        assertThat(plugin.nextLine(TIMEOUT))
            .as(plugin.stderr())
            .matches(
                "NODE +NAMESPACE +POD +CONTAINER +PID +COMM +IPVERSION +SADDR +SPORT +DADDR"
                    + " +DPORT +STATE +TCPFLAGS");
        TcpPeers.Pair pair = TcpPeers.pair(network, "127.0.0.1");
        String row;
        try (PacketDrops drops = PacketDrops.incoming(network, pair.serverPort())) {
          pair.startSending(100);
          row = awaitRow(plugin, " " + pair.clientPort() + " ");
        }
        pair.awaitReceived(100, TIMEOUT);

        assertThat(row)
            .matches(
                Pattern.quote(roles.node())
                    + " +%d +perl +4 +127\\.0\\.0\\.1 +%d +127\\.0\\.0\\.1 +%d +ESTABLISHED +PSH\\|ACK"
                        .formatted(pair.pid(), pair.clientPort(), pair.serverPort()));
        interruptLeavingNoTrace(plugin, cluster);
      } finally {
        plugin.kill();
      }
    }
  }

  @Test
  void traceTcpdropPrintsTheReasonOfADrop(KubernetesCluster cluster, KafkaBroker kafka)
      throws Exception {
    try (AutoCloseable registered = GadgetFlowRoles.registerNodes(cluster, roles.node());
        TestNetwork network = TestNetwork.create()) {
      PluginProcess plugin =
          trace(cluster, kafka, "tcpdrop", "-o", "custom-columns=sport,dport,tcpflags,reason");
      try {
        assertThat(plugin.nextLine(TIMEOUT))
            .as(plugin.stderr())
            .matches("SPORT +DPORT +TCPFLAGS +REASON");
        int clientPort = TcpPeers.refusedConnection(network, "127.0.0.1", CLOSED_PORT);

        String row = awaitRow(plugin, CLOSED_PORT + " ");
        assertThat(row).matches("%d +%d +SYN +NO_SOCKET".formatted(CLOSED_PORT, clientPort));
        plugin.interrupt();
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isEqualTo(130);
      } finally {
        plugin.kill();
      }
    }
  }

  @Test
  void traceTcpconnectWithLatencyPrintsARefusedConnectWithItsError(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    try (AutoCloseable registered = GadgetFlowRoles.registerNodes(cluster, roles.node());
        TestNetwork network = TestNetwork.create()) {
      PluginProcess plugin =
          trace(
              cluster,
              kafka,
              "tcpconnect",
              "--latency",
              "-o",
              "custom-columns=comm,sport,dport,latency,error");
      try {
        assertThat(plugin.nextLine(TIMEOUT))
            .as(plugin.stderr())
            .matches("COMM +SPORT +DPORT +LATENCY +ERROR");
        int clientPort = TcpPeers.refusedConnection(network, "127.0.0.1", CLOSED_PORT);

        String row = awaitRow(plugin, " " + clientPort + " ");
        assertThat(row).matches("perl +%d +%d +[1-9]\\d* +111".formatted(clientPort, CLOSED_PORT));
        plugin.interrupt();
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isEqualTo(130);
      } finally {
        plugin.kill();
      }
    }
  }

  @Test
  void profileTcprttPrintsTheHistogramOfItsPortAfterItsTimeout(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    try (TestNetwork network = TestNetwork.create()) {
      TcpPeers.Server server = TcpPeers.echoServer(network, "127.0.0.1");
      TcpPeers.Client client = TcpPeers.client(network, "127.0.0.1", server.port());
      PluginProcess plugin =
          PluginProcess.start(
              roles.environment(),
              "profile",
              "tcprtt",
              "--lport",
              Integer.toString(server.port()),
              "--node",
              roles.node(),
              "--timeout",
              "10",
              "--kubeconfig",
              cluster.kubeconfig().toString(),
              "--kafka-bootstrap",
              kafka.bootstrapServers());
      try {
        while (plugin.isAlive()) {
          client.pingPong(5, TIMEOUT);
        }
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isZero();

        List<String> lines = plugin.remainingStdout();
        assertThat(lines).as(plugin.stderr()).startsWith("NODE " + roles.node());
        assertThat(lines.get(1)).matches(" *usecs +: count +distribution");
        assertThat(lines.subList(2, lines.size()))
            .isNotEmpty()
            .allMatch(row -> row.matches(" *\\d+ -> \\d+ +: \\d+ +\\|[* ]{40}\\|"))
            .anyMatch(row -> row.contains("*"));
        assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
      } finally {
        plugin.kill();
      }
    }
  }

  private static PluginProcess trace(
      KubernetesCluster cluster, KafkaBroker kafka, String command, String... options) {
    List<String> arguments =
        new java.util.ArrayList<>(
            List.of(
                "trace",
                command,
                "-A",
                "--kubeconfig",
                cluster.kubeconfig().toString(),
                "--kafka-bootstrap",
                kafka.bootstrapServers()));
    arguments.addAll(List.of(options));
    return PluginProcess.start(roles.environment(), arguments.toArray(String[]::new));
  }

  /** Ctrl-C: the run ends with 130 and its Traces are gone. */
  private static void interruptLeavingNoTrace(PluginProcess plugin, KubernetesCluster cluster)
      throws Exception {
    plugin.interrupt();
    assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isEqualTo(130);
    assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
  }

  private static String awaitRow(PluginProcess plugin, String text) throws InterruptedException {
    return awaitRow(plugin, line -> line.contains(text));
  }

  private static String awaitRow(PluginProcess plugin, Predicate<String> isRow)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      String line = plugin.nextLine(Duration.between(Instant.now(), deadline));
      if (line != null && isRow.test(line)) {
        return line;
      }
    }
    throw new AssertionError("no such row; stderr: " + plugin.stderr());
  }
}
