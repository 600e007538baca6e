package io.gadgetflow.controller;

import static io.gadgetflow.controller.Harness.hasOperationAnnotation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.testing.DnsServer;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.RecordSchemas;
import io.gadgetflow.testing.TlsServer;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The network gadgets from a Trace, through a real API server, a real broker and a real node agent
 * on this machine, which watches the host's network namespace (it runs without pods here).
 */
@WithKafka
@WithKubernetes
class NetworkGadgetsIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  Harness platform;
  String node;

  @BeforeEach
  void startPlatform(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    node = InetAddress.getLocalHost().getHostName();
    platform = new Harness(cluster, kafka, cluster.createNamespace("network"));
    platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node);
  }

  @AfterEach
  void stopPlatform() {
    platform.close();
  }

  @Test
  void dnsStreamsTheLookupsOfTheNodeWithAnswersAndLatency() throws Exception {
    String name = unique("dns");
    platform.apply(platform.manifest(name, node, "dns")).requireSuccess();
    platform.annotate(name, "start");
    String uid =
        platform
            .awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED)
            .getMetadata()
            .getUid();

    try (DnsServer server = DnsServer.startOnHost()) {
      String address = server.address();
      DnsServer.Answer known = server.query(DnsServer.KNOWN_NAME, "A");
      server.query(DnsServer.MISSING_NAME, "A");

      JsonNode answered = response(uid, address, "known.test.");
      assertThat(answered.get("node").asText()).isEqualTo(node);
      assertThat(answered.get("qtype").asText()).isEqualTo("A");
      assertThat(answered.get("rcode").asText()).isEqualTo("No Error");
      assertThat(answered.get("addresses").get(0).asText()).isEqualTo(DnsServer.KNOWN_IPV4);
      assertThat(answered.get("latency").asLong()).isPositive();
      assertThat(answered.get("pid").asLong()).isEqualTo(known.pid());
      assertThat(response(uid, address, "missing.test.").get("rcode").asText())
          .isEqualTo("Non-Existent Domain");
    }
    platform.awaitTrace(name, t -> t.getStatus().getEvents() > 0);

    platform.annotate(name, "stop");
    Trace stopped =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
    assertThat(stopped.getStatus().getOperationError()).isNull();
  }

  @Test
  void snisnoopStreamsTheServerNamesTlsClientsOfTheNodeAskFor() throws Exception {
    String name = unique("sni");
    platform.apply(platform.manifest(name, node, "snisnoop")).requireSuccess();
    platform.annotate(name, "start");
    String uid =
        platform
            .awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED)
            .getMetadata()
            .getUid();

    String serverName = unique("server") + ".example.test";
    try (TlsServer server = TlsServer.startOnHost()) {
      long client = server.handshake(serverName);

      ConsumerRecord<String, String> record =
          platform
              .kafka
              .consumeMatching(
                  platform.topics.events(),
                  r -> r.key().equals(uid) && r.value().contains("\"" + serverName + "\""),
                  1,
                  TIMEOUT)
              .getFirst();
      RecordSchemas.assertValid("event-snisnoop.json", record.value());
      JsonNode event = Json.mapper().readTree(record.value());
      assertThat(event.get("pid").asLong()).isEqualTo(client);
      assertThat(event.get("node").asText()).isEqualTo(node);
    }
  }

  @Test
  void socketCollectorAnswersCollectWithTheSocketsOfTheNode() throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String all = unique("sockets");
      String udpOnly = unique("udp");
      platform
          .apply(platform.manifest(all, node, "socket-collector", "Manual", "Status", ""))
          .requireSuccess();
      platform
          .apply(
              platform.manifest(
                  udpOnly,
                  node,
                  "socket-collector",
                  "Manual",
                  "Status",
                  "parameters:\n  protocol: udp"))
          .requireSuccess();
      platform.annotate(all, "collect");
      platform.annotate(udpOnly, "collect");

      String output = collected(all);
      RecordSchemas.assertValid("snapshot-socket-collector.json", output);
      List<JsonNode> ours =
          StreamSupport.stream(Json.mapper().readTree(output).spliterator(), false)
              .filter(socket -> socket.get("localPort").asInt() == listening.getLocalPort())
              .filter(socket -> socket.get("status").asText().equals("LISTEN"))
              .toList();
      assertThat(ours).singleElement().matches(s -> s.get("protocol").asText().equals("TCP"));
      assertThat(ours.getFirst().get("localAddress").asText()).isEqualTo("127.0.0.1");
      assertThat(ours.getFirst().get("pod").asText()).as("the host's network").isEmpty();
      assertThat(Json.mapper().readTree(collected(udpOnly)))
          .allMatch(socket -> socket.get("protocol").asText().equals("UDP"));
    }
  }

  @Test
  void socketCollectorRefusesAnUnknownProtocol() {
    String name = unique("sockets");
    platform
        .apply(
            platform.manifest(
                name,
                node,
                "socket-collector",
                "Manual",
                "Status",
                "parameters:\n  protocol: icmp"))
        .requireSuccess();
    platform.annotate(name, "collect");

    platform.awaitOperationError(
        name,
        "Invalid value \"icmp\" for parameter \"protocol\" of gadget \"socket-collector\":"
            + " expected one of all, tcp, udp");
  }

  /** The response to the lookup of {@code name} as it arrived at dig. */
  private JsonNode response(String traceUid, String server, String name) throws Exception {
    ConsumerRecord<String, String> record =
        platform
            .kafka
            .consumeMatching(
                platform.topics.events(),
                r ->
                    r.key().equals(traceUid)
                        && r.value().contains("\"name\":\"" + name + "\"")
                        && r.value().contains("\"qr\":\"R\"")
                        && r.value().contains("\"pktType\":\"HOST\"")
                        && r.value().contains("\"srcIP\":\"" + server + "\""),
                1,
                TIMEOUT)
            .getFirst();
    RecordSchemas.assertValid("event-dns.json", record.value());
    return Json.mapper().readTree(record.value());
  }

  private String collected(String name) {
    Trace completed =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.COMPLETED);
    assertThat(completed.getStatus().getOperationError()).isNull();
    return completed.getStatus().getOutput();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static TraceState state(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }
}
