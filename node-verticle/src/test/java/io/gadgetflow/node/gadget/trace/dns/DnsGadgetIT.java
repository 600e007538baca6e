package io.gadgetflow.node.gadget.trace.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.bpf.NetworkNamespace;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.EventRecords;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.testing.DnsServer;
import io.gadgetflow.testing.RecordSchemas;
import io.gadgetflow.testing.TestNetwork;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * trace dns on a known workload: dnsmasq with known records in a network namespace the test makes,
 * asked by dig in the same namespace, over IPv4 and IPv6.
 */
class DnsGadgetIT {
  TestNetwork network;
  DnsServer server;
  RunningGadget gadget;
  EventCollector collector;

  @BeforeEach
  void watchANetworkWithADnsServer() {
    network = TestNetwork.create();
    server = DnsServer.startIn(network, "127.0.0.1", "::1");
    gadget = RunningGadget.start(DnsGadget.PROGRAM, GadgetOptions.unfiltered());
    gadget.networkAttachments().select(NetworkNamespace.ofProcess(network.anchorPid()));
    collector = EventCollector.start(gadget, "dns-it-reader");
  }

  @AfterEach
  void stop() {
    gadget.close();
    server.close();
    network.close();
  }

  @Test
  void reportsAQueryAndItsResponseWithAddressesAndLatency() throws Exception {
    DnsServer.Answer answer = server.query("127.0.0.1", DnsServer.KNOWN_NAME, "A");
    assertThat(answer.output()).isEqualTo(DnsServer.KNOWN_IPV4);
    long netns = NetworkNamespace.ofProcess(network.anchorPid()).id();

    JsonNode query = one(e -> is(e, "Q", "OUTGOING") && e.get("qtype").asText().equals("A"));
    assertThat(query.get("name").asText()).isEqualTo("known.test.");
    assertThat(query.get("pid").asLong()).isEqualTo(answer.pid());
    assertThat(query.get("netnsid").asLong()).isEqualTo(netns);
    assertThat(query.get("nameserver").asText()).isEqualTo("127.0.0.1");
    assertThat(query.get("dstPort").asInt()).isEqualTo(53);
    assertThat(query.has("rcode")).isFalse();

    // The response arriving at dig: matched to the query, so it has dig as its process.
    JsonNode response =
        one(e -> is(e, "R", "HOST") && e.get("id").asText().equals(query.get("id").asText()));
    assertThat(response.get("name").asText()).isEqualTo("known.test.");
    assertThat(response.get("qtype").asText()).isEqualTo("A");
    assertThat(response.get("rcode").asText()).isEqualTo("No Error");
    assertThat(response.get("numAnswers").asInt()).isEqualTo(1);
    assertThat(texts(response.get("addresses"))).containsExactly(DnsServer.KNOWN_IPV4);
    assertThat(response.get("latency").asLong()).isPositive();
    assertThat(response.get("pid").asLong()).isEqualTo(answer.pid());
    assertThat(response.get("srcPort").asInt()).isEqualTo(53);
    assertThat(response.get("dstPort").asInt()).isEqualTo(query.get("srcPort").asInt());

    // The same response leaving dnsmasq: sent by the server.
    JsonNode sent =
        one(e -> is(e, "R", "OUTGOING") && e.get("id").asText().equals(query.get("id").asText()));
    assertThat(sent.get("comm").asText()).isEqualTo("dnsmasq");
    for (JsonNode event : List.of(query, response, sent)) {
      RecordSchemas.assertValid("event-dns.json", EventRecords.asHostEvent(event, "test-node"));
    }
  }

  @Test
  void reportsAnAaaaQueryOverIpv6() throws Exception {
    DnsServer.Answer answer = server.query("::1", DnsServer.KNOWN_NAME, "AAAA");
    assertThat(answer.output()).isEqualTo(DnsServer.KNOWN_IPV6);

    JsonNode response = one(e -> is(e, "R", "HOST") && e.get("qtype").asText().equals("AAAA"));
    assertThat(response.get("srcIP").asText()).isEqualTo("::1");
    assertThat(response.get("nameserver").asText()).isEqualTo("::1");
    assertThat(texts(response.get("addresses"))).containsExactly(DnsServer.KNOWN_IPV6);
    assertThat(response.get("latency").asLong()).isPositive();
    assertThat(response.get("pid").asLong()).isEqualTo(answer.pid());
  }

  @Test
  void reportsANonExistentDomain() throws Exception {
    DnsServer.Answer answer = server.query("127.0.0.1", DnsServer.MISSING_NAME, "A");
    assertThat(answer.output()).isEmpty();

    JsonNode response =
        one(e -> is(e, "R", "HOST") && e.get("name").asText().equals("missing.test."));
    assertThat(response.get("rcode").asText()).isEqualTo("Non-Existent Domain");
    assertThat(response.get("numAnswers").asInt()).isZero();
    assertThat(response.get("addresses")).isEmpty();
  }

  @Test
  void seesNothingOfANamespaceItDoesNotWatch() throws Exception {
    try (TestNetwork other = TestNetwork.create();
        DnsServer otherServer = DnsServer.startIn(other, "127.0.0.1")) {
      otherServer.query("127.0.0.1", DnsServer.KNOWN_NAME, "A");
      // The watched namespace's traffic, after the other's, comes through; the other's did not.
      server.query("127.0.0.1", DnsServer.MISSING_NAME, "A");
      one(e -> is(e, "R", "HOST") && e.get("name").asText().equals("missing.test."));
      long otherNetns = NetworkNamespace.ofProcess(other.anchorPid()).id();
      assertThat(collector.matching(e -> e.get("netnsid").asLong() == otherNetns)).isEmpty();
    }
  }

  @Test
  void aNamespaceSelectedTwiceIsWatchedUntilBothSelectionsAreWithdrawn() throws Exception {
    NetworkNamespace namespace = NetworkNamespace.ofProcess(network.anchorPid());
    gadget.networkAttachments().select(namespace);

    gadget.networkAttachments().deselect(namespace.id());
    server.query("127.0.0.1", "once-deselected.test", "A");
    one(e -> e.get("name").asText().equals("once-deselected.test."));

    gadget.networkAttachments().deselect(namespace.id());
    assertThat(gadget.networkAttachments().namespaceIds()).isEmpty();
    server.query("127.0.0.1", "unwatched.test", "A");
    gadget.networkAttachments().select(namespace);
    server.query("127.0.0.1", "watched-again.test", "A");
    // The lookup after, once watched again, came: the one before would have come first.
    one(e -> e.get("name").asText().equals("watched-again.test."));
    assertThat(collector.matching(e -> e.get("name").asText().equals("unwatched.test."))).isEmpty();
  }

  private JsonNode one(Predicate<JsonNode> matching) throws InterruptedException {
    return collector.await(matching, 1).getFirst();
  }

  private static boolean is(JsonNode event, String qr, String packetType) {
    return event.get("qr").asText().equals(qr) && event.get("pktType").asText().equals(packetType);
  }

  private static List<String> texts(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false)
        .map(JsonNode::asText)
        .toList();
  }
}
