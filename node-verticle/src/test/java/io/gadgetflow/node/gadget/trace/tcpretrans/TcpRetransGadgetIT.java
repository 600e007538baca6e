package io.gadgetflow.node.gadget.trace.tcpretrans;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import io.gadgetflow.testing.PacketDrops;
import io.gadgetflow.testing.TcpPeers;
import io.gadgetflow.testing.TestNetwork;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Retransmissions of one loopback connection in a network namespace of the test's own, whose
 * segments to the server are dropped on their way in for a while (nftables; this kernel has no
 * netem): the sender sees them lost and retransmits. The namespace's own TCP counters say how many
 * retransmissions there were.
 */
class TcpRetransGadgetIT {
  private static final Duration DELIVERY = Duration.ofSeconds(30);

  @Test
  void reportsEachRetransmissionOfAConnectionWithItsOwnerAndTuple() throws Exception {
    try (TestNetwork network = TestNetwork.create();
        RunningGadget gadget =
            RunningGadget.start(TcpRetransGadget.PROGRAM, GadgetOptions.unfiltered())) {
      EventCollector collector = EventCollector.start(gadget, "tcpretrans-it-reader");
      TcpPeers.Pair pair = TcpPeers.pair(network, "127.0.0.1");

      List<JsonNode> events = loseThenDeliver(network, pair, collector);

      Owner owner = Owner.of(pair);
      assertThat(events).allSatisfy(event -> owner.assertOwns(event, pair));
      assertThat(gadget.lostEvents()).isZero();
    }
  }

  @Test
  void namesTheOwnerOfAConnectionOpenedBeforeTheGadgetStarted() throws Exception {
    try (TestNetwork network = TestNetwork.create()) {
      TcpPeers.Pair pair = TcpPeers.pair(network, "127.0.0.1");
      try (RunningGadget gadget =
          RunningGadget.start(TcpRetransGadget.PROGRAM, GadgetOptions.unfiltered())) {
        EventCollector collector = EventCollector.start(gadget, "tcpretrans-it-reader");

        List<JsonNode> events = loseThenDeliver(network, pair, collector);

        Owner owner = Owner.of(pair);
        assertThat(events).allSatisfy(event -> owner.assertOwns(event, pair));
      }
    }
  }

  @Test
  void aContainerFilterSelectsTheSocketOwnersMountNamespaceNotTheInterruptedTasks()
      throws Exception {
    try (TestNetwork network = TestNetwork.create()) {
      TcpPeers.Pair pair = TcpPeers.pair(network, "127.0.0.1");
      // ip netns exec gives the peer a mount namespace of its own.
      long ownerMountNamespace = TestProcesses.namespaceOf(pair.pid(), "mnt");
      assertThat(ownerMountNamespace).isNotEqualTo(TestProcesses.currentMountNamespace());
      try (RunningGadget selected =
              RunningGadget.start(
                  TcpRetransGadget.PROGRAM, GadgetOptions.filtered(Set.of(ownerMountNamespace)));
          RunningGadget other =
              RunningGadget.start(
                  TcpRetransGadget.PROGRAM,
                  GadgetOptions.filtered(Set.of(TestProcesses.currentMountNamespace())))) {
        EventCollector collector = EventCollector.start(selected, "tcpretrans-it-reader");

        List<JsonNode> events = loseThenDeliver(network, pair, collector);

        Owner owner = Owner.of(pair);
        assertThat(events).allSatisfy(event -> owner.assertOwns(event, pair));
        // Both programs ran for each retransmission, so whatever the other kept is in its ring.
        List<JsonNode> unselected = new ArrayList<>();
        JsonEventWriter out = new JsonEventWriter();
        other
            .events()
            .drain(
                (ring, offset, length) -> {
                  if (other.decoder().decode(ring, offset, length, out)) {
                    out.endObject();
                    unselected.add(EventRecords.parse(out));
                  }
                });
        assertThat(unselected).noneMatch(of(pair));
      }
    }
  }

  /**
   * Drops what the client sends until two retransmissions were reported, then lets it through;
   * returns the connection's events once there are as many as the namespace counted.
   */
  private static List<JsonNode> loseThenDeliver(
      TestNetwork network, TcpPeers.Pair pair, EventCollector collector) throws Exception {
    TcpCounters before = TcpCounters.of(network);
    try (PacketDrops drops = PacketDrops.incoming(network, pair.serverPort())) {
      pair.startSending(100);
      collector.await(of(pair), 2);
    }
    pair.awaitReceived(100, DELIVERY);
    long retransmitted = TcpCounters.of(network).retransmissionsSince(before);
    assertThat(retransmitted).isGreaterThanOrEqualTo(2);
    List<JsonNode> events = collector.await(of(pair), Math.toIntExact(retransmitted));
    assertThat(events).hasSize(Math.toIntExact(retransmitted));
    return events;
  }

  private static Predicate<JsonNode> of(TcpPeers.Pair pair) {
    return event ->
        event.get("sport").asInt() == pair.clientPort()
            && event.get("dport").asInt() == pair.serverPort();
  }

  /** The Perl process owning both ends, and its namespaces. */
  private record Owner(long pid, long mountNamespace, long networkNamespace) {
    static Owner of(TcpPeers.Pair pair) throws IOException {
      return new Owner(
          pair.pid(),
          TestProcesses.namespaceOf(pair.pid(), "mnt"),
          TestProcesses.namespaceOf(pair.pid(), "net"));
    }

    /** A retransmission of data the client sent, named after its owner. */
    void assertOwns(JsonNode event, TcpPeers.Pair pair) {
      assertThat(event.get("pid").asLong()).isEqualTo(pid);
      assertThat(event.get("comm").asText()).isEqualTo("perl");
      assertThat(event.get("mountnsid").asLong()).isEqualTo(mountNamespace);
      assertThat(event.get("netnsid").asLong()).isEqualTo(networkNamespace);
      assertThat(event.get("ipversion").asInt()).isEqualTo(4);
      assertThat(event.get("saddr").asText()).isEqualTo("127.0.0.1");
      assertThat(event.get("sport").asInt()).isEqualTo(pair.clientPort());
      assertThat(event.get("daddr").asText()).isEqualTo("127.0.0.1");
      assertThat(event.get("dport").asInt()).isEqualTo(pair.serverPort());
      assertThat(event.get("state").asText()).isEqualTo("ESTABLISHED");
      assertThat(event.get("tcpflags").asText()).isEqualTo("PSH|ACK");
    }
  }
}
