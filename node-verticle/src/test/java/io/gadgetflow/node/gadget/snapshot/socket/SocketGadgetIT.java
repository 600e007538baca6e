package io.gadgetflow.node.gadget.snapshot.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.bpf.NetworkNamespace;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.WatchedNetwork;
import io.gadgetflow.testing.RecordSchemas;
import io.gadgetflow.testing.TestNetwork;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * snapshot socket on sockets in known states, opened by this JVM inside a network namespace the
 * test makes (a thread that joined it opens them there) and on the host, compared with what
 * iproute2's ss lists in that namespace.
 */
class SocketGadgetIT {
  TestNetwork network;
  WatchedNetwork watched;
  final List<AutoCloseable> sockets = new ArrayList<>();
  ServerSocket listening;
  Socket client;
  Socket accepted;
  DatagramChannel udp;

  @BeforeEach
  void openKnownSocketsInANetwork() {
    network = TestNetwork.create();
    NetworkNamespace namespace = NetworkNamespace.ofProcess(network.anchorPid());
    watched = new WatchedNetwork(namespace, "shop", "web-1");
    namespace.run(
        () -> {
          InetAddress loopback = InetAddress.getByName("127.0.0.1");
          listening = keep(new ServerSocket(0, 1, loopback));
          client = keep(new Socket(loopback, listening.getLocalPort()));
          accepted = keep(listening.accept());
          udp = keep(DatagramChannel.open().bind(new InetSocketAddress("::1", 0)));
          return null;
        });
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable socket : sockets.reversed()) {
      socket.close();
    }
    network.close();
  }

  @Test
  void listsTheSocketsOfANetworkWithTheirStates() throws Exception {
    List<SocketEntry> entries = collect("all", List.of(watched));

    int server = listening.getLocalPort();
    int clientPort = client.getLocalPort();
    int udpPort = ((InetSocketAddress) udp.getLocalAddress()).getPort();
    assertThat(entries)
        .extracting(
            e -> e.protocol() + " " + e.localPort() + " " + e.remotePort() + " " + e.status())
        .containsExactlyInAnyOrder(
            "TCP " + server + " 0 LISTEN",
            "TCP " + clientPort + " " + server + " ESTABLISHED",
            "TCP " + server + " " + clientPort + " ESTABLISHED",
            "UDP " + udpPort + " 0 INACTIVE");
    SocketEntry listener =
        entries.stream().filter(e -> e.status().equals("LISTEN")).findFirst().orElseThrow();
    assertThat(listener.localAddress()).isEqualTo("127.0.0.1");
    assertThat(listener.namespace()).isEqualTo("shop");
    assertThat(listener.pod()).isEqualTo("web-1");
    assertThat(listener.netnsid()).isEqualTo(watched.namespace().id());
    SocketEntry datagram =
        entries.stream().filter(e -> e.protocol().equals("UDP")).findFirst().orElseThrow();
    assertThat(datagram.localAddress()).isEqualTo("::1");
    RecordSchemas.assertValid(
        "snapshot-socket-collector.json", new String(Json.encode(entries), StandardCharsets.UTF_8));
  }

  @Test
  void seesWhatSsSeesInTheNamespace() {
    Set<String> collected =
        collect("all", List.of(watched)).stream()
            .map(
                e ->
                    e.protocol()
                        + " "
                        + e.localPort()
                        + " "
                        + e.remotePort()
                        + " "
                        + e.inodeNumber())
            .collect(Collectors.toSet());

    // ss -H -tuna -e: Netid State Recv-Q Send-Q Local:Port Peer:Port ... ino:N ...
    Set<String> listedBySs = new java.util.HashSet<>();
    for (String line : network.run("ss", "-H", "-tuna", "-e").split("\n")) {
      String[] columns = line.trim().split("\\s+");
      if (columns.length < 7 || !(columns[0].equals("tcp") || columns[0].equals("udp"))) {
        continue;
      }
      String inode =
          java.util.Arrays.stream(columns)
              .filter(c -> c.startsWith("ino:"))
              .findFirst()
              .map(c -> c.substring(4))
              .orElse("0");
      listedBySs.add(
          columns[0].toUpperCase(java.util.Locale.ROOT)
              + " "
              + port(columns[4])
              + " "
              + port(columns[5])
              + " "
              + inode);
    }
    assertThat(collected).isEqualTo(listedBySs).hasSize(4);
  }

  @Test
  void listsOnlyTheProtocolItIsAskedFor() {
    assertThat(collect("udp", List.of(watched)))
        .extracting(SocketEntry::protocol)
        .containsExactly("UDP");
    assertThat(collect("tcp", List.of(watched)))
        .extracting(SocketEntry::protocol)
        .containsOnly("TCP")
        .hasSize(3);
  }

  @Test
  void listsTheHostsSocketsAsNobodysPod() throws IOException {
    try (ServerSocket onHost = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      NetworkNamespace host = NetworkNamespace.host();

      List<SocketEntry> entries = collect("tcp", List.of(WatchedNetwork.host(host), watched));

      SocketEntry hostListener =
          entries.stream()
              .filter(e -> e.localPort() == onHost.getLocalPort() && e.status().equals("LISTEN"))
              .findFirst()
              .orElseThrow();
      assertThat(hostListener.namespace()).isEmpty();
      assertThat(hostListener.pod()).isEmpty();
      assertThat(hostListener.netnsid()).isEqualTo(host.id());
      assertThat(entries).anyMatch(e -> e.pod().equals("web-1"));
    }
  }

  private List<SocketEntry> collect(String protocol, List<WatchedNetwork> networks) {
    try (RunningGadget gadget =
        RunningGadget.start(
            SocketGadget.PROGRAM,
            GadgetOptions.unfiltered().withNetworks(networks),
            new GadgetParameters(GadgetCatalog.SOCKET_COLLECTOR, Map.of("protocol", protocol)))) {
      return SocketGadget.sockets(gadget);
    }
  }

  /** The port of ss's {@code 127.0.0.1:4444}, {@code [::1]:53} or {@code 0.0.0.0:*}. */
  private static int port(String addressAndPort) {
    String port = addressAndPort.substring(addressAndPort.lastIndexOf(':') + 1);
    return port.equals("*") ? 0 : Integer.parseInt(port);
  }

  private <T extends AutoCloseable> T keep(T socket) {
    sockets.add(socket);
    return socket;
  }
}
