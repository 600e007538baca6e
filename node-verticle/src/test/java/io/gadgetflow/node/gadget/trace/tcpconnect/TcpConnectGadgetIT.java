package io.gadgetflow.node.gadget.trace.tcpconnect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.DelayLine;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.testing.TcpPeers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connects of a Perl process in test network namespaces: on a loopback (accepted, and refused for a
 * port nobody listens on) and across a {@link DelayLine} of 20 ms each way, where a handshake takes
 * 40 ms.
 */
class TcpConnectGadgetIT {
  static final int CLOSED_PORT = 9;
  static final int ECONNREFUSED = 111;
  static final Duration ONE_WAY = Duration.ofMillis(20);

  @TempDir static Path binaries;
  static DelayLine link;

  @BeforeAll
  static void linkTwoNetworks() throws Exception {
    link = DelayLine.linkingNewNetworks(binaries, ONE_WAY);
  }

  @AfterAll
  static void unlink() {
    if (link != null) {
      link.close();
    }
  }

  @Test
  void eachConnectThatSucceededIsReportedAtItsExit() throws Exception {
    try (RunningGadget gadget = start(Map.of())) {
      EventCollector collector = EventCollector.start(gadget, "tcpconnect-it-reader");
      TcpPeers.Pair pair = TcpPeers.pair(link.clientNetwork(), "127.0.0.1");

      JsonNode connected =
          collector.await(tuple(pair.clientPort(), pair.serverPort()), 1).getFirst();
      assertThat(connected.get("pid").asLong()).isEqualTo(pair.pid());
      assertThat(connected.get("uid").asLong()).isZero();
      assertThat(connected.get("comm").asText()).isEqualTo("perl");
      assertThat(connected.get("ipversion").asInt()).isEqualTo(4);
      assertThat(connected.get("saddr").asText()).isEqualTo("127.0.0.1");
      assertThat(connected.get("daddr").asText()).isEqualTo("127.0.0.1");
      assertThat(connected.get("error").asInt()).isZero();
      assertThat(connected.get("latency").asLong()).as("not measured").isZero();
      assertThat(gadget.lostEvents()).isZero();
    }
  }

  @Test
  void withLatencyAHandshakeAcrossTheDelayLineTakesFortyMilliseconds() throws Exception {
    TcpPeers.Server server = TcpPeers.echoServer(link.serverNetwork(), DelayLine.SERVER_ADDRESS);
    try (RunningGadget gadget = start(Map.of("latency", "true"))) {
      EventCollector collector = EventCollector.start(gadget, "tcpconnect-it-reader");
      TcpPeers.Client client =
          TcpPeers.client(link.clientNetwork(), DelayLine.SERVER_ADDRESS, server.port());

      JsonNode connected = collector.await(tuple(client.port(), server.port()), 1).getFirst();
      assertThat(connected.get("pid").asLong())
          .as("the connecting process, not the softirq's")
          .isEqualTo(client.pid());
      assertThat(connected.get("comm").asText()).isEqualTo("perl");
      assertThat(connected.get("saddr").asText()).isEqualTo(DelayLine.CLIENT_ADDRESS);
      assertThat(connected.get("daddr").asText()).isEqualTo(DelayLine.SERVER_ADDRESS);
      assertThat(connected.get("error").asInt()).isZero();
      // A SYN there and a SYN-ACK back, 20 ms each; a busy machine may add, never take.
      assertThat(connected.get("latency").asLong())
          .isBetween(TimeUnit.MILLISECONDS.toNanos(40), TimeUnit.MILLISECONDS.toNanos(80));
    }
  }

  @Test
  void withLatencyARefusedHandshakeIsReportedWithItsError() throws Exception {
    try (RunningGadget gadget = start(Map.of("latency", "true"))) {
      EventCollector collector = EventCollector.start(gadget, "tcpconnect-it-reader");

      int refusedPort = TcpPeers.refusedConnection(link.clientNetwork(), "127.0.0.1", CLOSED_PORT);

      JsonNode refused = collector.await(tuple(refusedPort, CLOSED_PORT), 1).getFirst();
      assertThat(refused.get("error").asInt()).isEqualTo(ECONNREFUSED);
      assertThat(refused.get("latency").asLong()).isPositive();
      assertThat(refused.get("comm").asText()).isEqualTo("perl");
    }
  }

  @Test
  void aMinimumLatencyLeavesOutFasterHandshakes() throws Exception {
    TcpPeers.Server server = TcpPeers.echoServer(link.serverNetwork(), DelayLine.SERVER_ADDRESS);
    try (RunningGadget slowerThan30 = start(Map.of("latency", "true", "min", "30"));
        RunningGadget slowerThan1000 = start(Map.of("latency", "true", "min", "1000"))) {
      EventCollector collector = EventCollector.start(slowerThan30, "tcpconnect-it-reader");

      TcpPeers.Client client =
          TcpPeers.client(link.clientNetwork(), DelayLine.SERVER_ADDRESS, server.port());

      collector.await(tuple(client.port(), server.port()), 1);
      // Both programs ran when the handshake ended: whatever the other kept is in its ring.
      List<JsonNode> kept = new ArrayList<>();
      JsonEventWriter out = new JsonEventWriter();
      slowerThan1000
          .events()
          .drain(
              (ring, offset, length) -> {
                if (slowerThan1000.decoder().decode(ring, offset, length, out)) {
                  out.endObject();
                  kept.add(EventRecords.parse(out));
                }
              });
      assertThat(kept).noneMatch(tuple(client.port(), server.port()));
    }
  }

  private static RunningGadget start(Map<String, String> parameters) {
    return RunningGadget.start(
        TcpConnectGadget.PROGRAM,
        GadgetOptions.unfiltered(),
        new GadgetParameters(GadgetCatalog.TCPCONNECT, new HashMap<>(parameters)));
  }

  static Predicate<JsonNode> tuple(int sport, int dport) {
    return event -> event.get("sport").asInt() == sport && event.get("dport").asInt() == dport;
  }
}
