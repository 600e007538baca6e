package io.gadgetflow.node.gadget.trace.sni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.bpf.NetworkNamespace;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.testing.RecordSchemas;
import io.gadgetflow.testing.TestNetwork;
import io.gadgetflow.testing.TlsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * trace sni on a known workload: OpenSSL's s_client asks an s_server for a known server name, in a
 * network namespace the test makes, over IPv4 and IPv6.
 */
class SniGadgetIT {
  TestNetwork network;
  RunningGadget gadget;
  EventCollector collector;

  @BeforeEach
  void watchANetwork() {
    network = TestNetwork.create();
    gadget = RunningGadget.start(SniGadget.PROGRAM, GadgetOptions.unfiltered());
    gadget.networkAttachments().select(NetworkNamespace.ofProcess(network.anchorPid()));
    collector = EventCollector.start(gadget, "sni-it-reader");
  }

  @AfterEach
  void stop() {
    gadget.close();
    network.close();
  }

  @Test
  void reportsTheServerNameOfAClientHelloOverIpv4AndIpv6() throws Exception {
    try (TlsServer ipv4 = TlsServer.startIn(network, "127.0.0.1:4433");
        TlsServer ipv6 = TlsServer.startIn(network, "[::1]:4434")) {
      long ipv4Client = ipv4.handshake("four.example.test");
      long ipv6Client = ipv6.handshake("six.example.test");

      JsonNode four = one("four.example.test");
      assertThat(four.get("pid").asLong()).isEqualTo(ipv4Client);
      assertThat(four.get("comm").asText()).isEqualTo("openssl");
      assertThat(four.get("netnsid").asLong())
          .isEqualTo(NetworkNamespace.ofProcess(network.anchorPid()).id());
      assertThat(one("six.example.test").get("pid").asLong()).isEqualTo(ipv6Client);
      RecordSchemas.assertValid("event-snisnoop.json", EventRecords.asHostEvent(four, "test-node"));
      // On loopback the hello is seen leaving and arriving: it is reported once.
      assertThat(collector.matching(e -> e.get("name").asText().equals("four.example.test")))
          .hasSize(1);
    }
  }

  @Test
  void reportsNothingForAClientHelloWithoutAServerName() throws Exception {
    try (TlsServer server = TlsServer.startIn(network, "127.0.0.1:4433")) {
      long anonymous = server.handshake(null);
      server.handshake("named.example.test");

      // The named hello, sent after the anonymous one, came: the anonymous one would have too.
      one("named.example.test");
      assertThat(collector.matching(e -> e.get("pid").asLong() == anonymous)).isEmpty();
    }
  }

  private JsonNode one(String serverName) throws InterruptedException {
    return collector.await(e -> e.get("name").asText().equals(serverName), 1).getFirst();
  }
}
