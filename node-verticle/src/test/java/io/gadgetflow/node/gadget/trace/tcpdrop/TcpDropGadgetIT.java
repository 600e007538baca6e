package io.gadgetflow.node.gadget.trace.tcpdrop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import io.gadgetflow.testing.PacketDrops;
import io.gadgetflow.testing.TcpPeers;
import io.gadgetflow.testing.TestNetwork;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Packets dropped for known reasons in a network namespace of the test's own: by an nftables rule
 * on their way out (the sending socket attached) or in (no socket yet), and a connection to a port
 * nobody listens on. The rule's counter says how many it dropped.
 */
class TcpDropGadgetIT {
  private static final Duration DELIVERY = Duration.ofSeconds(30);
  private static final int CLOSED_PORT = 9;

  @Test
  void aDropOnTheWayOutNamesTheSendingSocketItsOwnerAndTheReason() throws Exception {
    try (TestNetwork network = TestNetwork.create();
        RunningGadget gadget =
            RunningGadget.start(TcpDropGadget.PROGRAM, GadgetOptions.unfiltered())) {
      EventCollector collector = EventCollector.start(gadget, "tcpdrop-it-reader");
      TcpPeers.Pair pair = TcpPeers.pair(network, "127.0.0.1");
      Predicate<JsonNode> fromClient = tuple(pair.clientPort(), pair.serverPort());

      List<JsonNode> events;
      try (PacketDrops drops = PacketDrops.outgoing(network, pair.serverPort())) {
        pair.startSending(100);
        collector.await(fromClient, 2);
        long dropped = drops.stop();
        pair.awaitReceived(100, DELIVERY);
        events = collector.await(fromClient, Math.toIntExact(dropped));
        assertThat(events).hasSize(Math.toIntExact(dropped));
      }

      long pid = pair.pid();
      long mountNamespace = TestProcesses.namespaceOf(pid, "mnt");
      long networkNamespace = TestProcesses.namespaceOf(pid, "net");
      assertThat(events)
          .allSatisfy(
              event -> {
                assertThat(event.get("reason").asText()).isEqualTo("NETFILTER_DROP");
                assertThat(event.get("pid").asLong()).isEqualTo(pid);
                assertThat(event.get("comm").asText()).isEqualTo("perl");
                assertThat(event.get("mountnsid").asLong()).isEqualTo(mountNamespace);
                assertThat(event.get("netnsid").asLong()).isEqualTo(networkNamespace);
                assertThat(event.get("saddr").asText()).isEqualTo("127.0.0.1");
                assertThat(event.get("daddr").asText()).isEqualTo("127.0.0.1");
                assertThat(event.get("state").asText()).isEqualTo("ESTABLISHED");
                assertThat(event.get("tcpflags").asText()).isEqualTo("PSH|ACK");
              });
      assertThat(gadget.lostEvents()).isZero();
    }
  }

  @Test
  void aDropOnTheWayInHasNoSocketYetAndItsTupleComesFromThePacket() throws Exception {
    try (TestNetwork network = TestNetwork.create();
        RunningGadget gadget =
            RunningGadget.start(TcpDropGadget.PROGRAM, GadgetOptions.unfiltered())) {
      EventCollector collector = EventCollector.start(gadget, "tcpdrop-it-reader");
      TcpPeers.Pair pair = TcpPeers.pair(network, "127.0.0.1");
      // A packet coming in has this host's end at its destination: the server's.
      Predicate<JsonNode> toServer = tuple(pair.serverPort(), pair.clientPort());

      List<JsonNode> events;
      try (PacketDrops drops = PacketDrops.incoming(network, pair.serverPort())) {
        pair.startSending(100);
        collector.await(toServer, 2);
        long dropped = drops.stop();
        pair.awaitReceived(100, DELIVERY);
        events = collector.await(toServer, Math.toIntExact(dropped));
        assertThat(events).hasSize(Math.toIntExact(dropped));
      }

      long networkNamespace = TestProcesses.namespaceOf(network.anchorPid(), "net");
      assertThat(events)
          .allSatisfy(
              event -> {
                assertThat(event.get("reason").asText()).isEqualTo("NETFILTER_DROP");
                assertThat(event.get("pid").asLong()).isZero();
                assertThat(event.get("comm").asText()).isEmpty();
                assertThat(event.get("netnsid").asLong()).isEqualTo(networkNamespace);
                assertThat(event.get("state").asText()).isEmpty();
                assertThat(event.get("tcpflags").asText()).isEqualTo("PSH|ACK");
              });
    }
  }

  @Test
  void aSegmentForAPortNobodyListensOnIsDroppedForNoSocket() throws Exception {
    try (TestNetwork network = TestNetwork.create();
        RunningGadget gadget =
            RunningGadget.start(TcpDropGadget.PROGRAM, GadgetOptions.unfiltered())) {
      EventCollector collector = EventCollector.start(gadget, "tcpdrop-it-reader");

      int clientPort = TcpPeers.refusedConnection(network, "127.0.0.1", CLOSED_PORT);

      JsonNode drop = collector.await(tuple(CLOSED_PORT, clientPort), 1).getFirst();
      assertThat(drop.get("reason").asText()).isEqualTo("NO_SOCKET");
      assertThat(drop.get("ipversion").asInt()).isEqualTo(4);
      assertThat(drop.get("saddr").asText()).isEqualTo("127.0.0.1");
      assertThat(drop.get("daddr").asText()).isEqualTo("127.0.0.1");
      assertThat(drop.get("tcpflags").asText()).isEqualTo("SYN");
      assertThat(drop.get("state").asText()).isEmpty();
      assertThat(drop.get("pid").asLong()).isZero();
      assertThat(drop.get("netnsid").asLong())
          .isEqualTo(TestProcesses.namespaceOf(network.anchorPid(), "net"));
    }
  }

  @Test
  void aContainerFilterKeepsTheDropsOfItsSocketOwnersOnly() throws Exception {
    try (TestNetwork network = TestNetwork.create()) {
      TcpPeers.Pair pair = TcpPeers.pair(network, "127.0.0.1");
      long ownerMountNamespace = TestProcesses.namespaceOf(pair.pid(), "mnt");
      try (RunningGadget gadget =
          RunningGadget.start(
              TcpDropGadget.PROGRAM, GadgetOptions.filtered(Set.of(ownerMountNamespace)))) {
        EventCollector collector = EventCollector.start(gadget, "tcpdrop-it-reader");
        // First a drop without a socket, which belongs to no container...
        int clientPort = TcpPeers.refusedConnection(network, "127.0.0.1", CLOSED_PORT);
        // ...then one of the selected owner's socket, which comes after it in the ring.
        try (PacketDrops drops = PacketDrops.outgoing(network, pair.serverPort())) {
          pair.startSending(100);
          collector.await(tuple(pair.clientPort(), pair.serverPort()), 1);
        }
        pair.awaitReceived(100, DELIVERY);

        assertThat(collector.matching(tuple(CLOSED_PORT, clientPort))).isEmpty();
        assertThat(collector.matching(event -> true))
            .allSatisfy(event -> assertThat(event.get("pid").asLong()).isEqualTo(pair.pid()));
      }
    }
  }

  private static Predicate<JsonNode> tuple(int sport, int dport) {
    return event -> event.get("sport").asInt() == sport && event.get("dport").asInt() == dport;
  }
}
