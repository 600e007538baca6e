package io.gadgetflow.controller;

import static io.gadgetflow.controller.Harness.hasOperationAnnotation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.PacketDrops;
import io.gadgetflow.testing.RecordSchemas;
import io.gadgetflow.testing.TcpPeers;
import io.gadgetflow.testing.TestNetwork;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * tcptracer, tcptop, tcpretrans, tcpdrop, tcpconnect and tcprtt from a Trace, through a real API
 * server, a real broker and a real node agent on this machine, with loopback connections in network
 * namespaces of the test's own.
 */
@WithKafka
@WithKubernetes
class TcpGadgetsIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final int CLOSED_PORT = 9;
  static final int ECONNREFUSED = 111;
  static final int TCPTOP_BYTES = 5000;

  Harness platform;
  String node;

  @BeforeEach
  void startPlatform(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    node = InetAddress.getLocalHost().getHostName();
    platform = new Harness(cluster, kafka, cluster.createNamespace("tcp"));
    platform.deploy(platform.controller("controller-0"));
    platform.deployNode(node);
  }

  @AfterEach
  void stopPlatform() {
    platform.close();
  }

  @Test
  void tcptracerStreamsTheConnectAndAcceptOfAConnectionWithTheirOwner() throws Exception {
    StartedTrace trace = started("tcptracer");

    try (TestNetwork network = TestNetwork.create()) {
      TcpPeers.Pair pair = TcpPeers.pair(network, "127.0.0.1");

      JsonNode connect =
          event(
              trace.uid(),
              "event-tcptracer.json",
              e -> e.path("sport").asInt() == pair.clientPort() && isOperation(e, "connect"));
      JsonNode accept =
          event(
              trace.uid(),
              "event-tcptracer.json",
              e -> e.path("sport").asInt() == pair.serverPort() && isOperation(e, "accept"));
      for (JsonNode event : List.of(connect, accept)) {
        assertThat(event.get("node").asText()).isEqualTo(node);
        assertThat(event.get("pid").asLong()).isEqualTo(pair.pid());
        assertThat(event.get("comm").asText()).isEqualTo("perl");
        assertThat(event.get("ipversion").asInt()).isEqualTo(4);
        assertThat(event.get("saddr").asText()).isEqualTo("127.0.0.1");
        assertThat(event.get("daddr").asText()).isEqualTo("127.0.0.1");
      }
      assertThat(connect.get("dport").asInt()).isEqualTo(pair.serverPort());
      assertThat(accept.get("dport").asInt()).isEqualTo(pair.clientPort());
    }
  }

  @Test
  void tcptopStreamsATablePerIntervalWithTheBytesOfAKnownConnection() throws Exception {
    StartedTrace trace = started("tcptop", "interval: \"1\"\nmax_rows: \"500\"");
    String uid = trace.uid();

    try (TestNetwork network = TestNetwork.create()) {
      TcpPeers.Pair pair = TcpPeers.pair(network, "127.0.0.1");
      pair.startSending(TCPTOP_BYTES);
      pair.awaitReceived(TCPTOP_BYTES, TIMEOUT);

      // The bytes may straddle two intervals: the rows of each end add up to what was sent. Every
      // record of the trace is checked on the way; the one that completes both sums ends it.
      List<JsonNode> client = new ArrayList<>();
      List<JsonNode> server = new ArrayList<>();
      platform.kafka.consumeMatching(
          platform.topics.events(),
          record -> {
            if (!record.key().equals(uid)) {
              return false;
            }
            RecordSchemas.assertValid("event-tcptop.json", record.value());
            for (JsonNode row : parse(record.value()).get("stats")) {
              if (row.get("pid").asLong() == pair.pid()) {
                (row.get("sport").asInt() == pair.clientPort() ? client : server).add(row);
              }
            }
            return sum(client, "sent") >= TCPTOP_BYTES && sum(server, "received") >= TCPTOP_BYTES;
          },
          1,
          TIMEOUT);

      assertThat(sum(client, "sent")).isEqualTo(TCPTOP_BYTES);
      assertThat(sum(server, "received")).isEqualTo(TCPTOP_BYTES);
      assertThat(client)
          .allSatisfy(
              row -> {
                assertThat(row.get("comm").asText()).isEqualTo("perl");
                assertThat(row.get("dport").asInt()).isEqualTo(pair.serverPort());
                assertThat(row.get("node").asText()).isEqualTo(node);
              });
      assertThat(server)
          .allSatisfy(row -> assertThat(row.get("sport").asInt()).isEqualTo(pair.serverPort()));
    }
    platform.annotate(trace.name(), "stop");
    Trace stopped =
        platform.awaitTrace(
            trace.name(), t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
    assertThat(stopped.getStatus().getOperationError()).isNull();
  }

  @Test
  void tcpretransStreamsTheRetransmissionsOfAConnectionNamedAfterItsOwner() throws Exception {
    StartedTrace trace = started("tcpretrans");

    try (TestNetwork network = TestNetwork.create()) {
      TcpPeers.Pair pair = TcpPeers.pair(network, "127.0.0.1");
      JsonNode retransmission;
      try (PacketDrops drops = PacketDrops.incoming(network, pair.serverPort())) {
        pair.startSending(100);
        retransmission =
            event(
                trace.uid(), "event-tcpretrans.json", tuple(pair.clientPort(), pair.serverPort()));
      }
      pair.awaitReceived(100, TIMEOUT);

      assertThat(retransmission.get("node").asText()).isEqualTo(node);
      assertThat(retransmission.get("pid").asLong()).isEqualTo(pair.pid());
      assertThat(retransmission.get("comm").asText()).isEqualTo("perl");
      assertThat(retransmission.get("state").asText()).isEqualTo("ESTABLISHED");
    }
    platform.annotate(trace.name(), "stop");
    Trace stopped =
        platform.awaitTrace(
            trace.name(), t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
    assertThat(stopped.getStatus().getOperationError()).isNull();
  }

  @Test
  void tcpdropStreamsADropWithTheKernelsReason() throws Exception {
    StartedTrace trace = started("tcpdrop");

    try (TestNetwork network = TestNetwork.create()) {
      int clientPort = TcpPeers.refusedConnection(network, "127.0.0.1", CLOSED_PORT);

      JsonNode drop = event(trace.uid(), "event-tcpdrop.json", tuple(CLOSED_PORT, clientPort));
      assertThat(drop.get("reason").asText()).isEqualTo("NO_SOCKET");
      assertThat(drop.get("tcpflags").asText()).isEqualTo("SYN");
      assertThat(drop.get("node").asText()).isEqualTo(node);
    }
  }

  @Test
  void tcpconnectStreamsARefusedHandshakeWithItsErrorWhenAskedForLatency() throws Exception {
    String uid = started("tcpconnect", "latency: \"true\"").uid();

    try (TestNetwork network = TestNetwork.create()) {
      int clientPort = TcpPeers.refusedConnection(network, "127.0.0.1", CLOSED_PORT);

      JsonNode refused = event(uid, "event-tcpconnect.json", tuple(clientPort, CLOSED_PORT));
      assertThat(refused.get("error").asInt()).isEqualTo(ECONNREFUSED);
      assertThat(refused.get("comm").asText()).isEqualTo("perl");
      assertThat(refused.get("latency").asLong()).isPositive();
    }
  }

  @Test
  void tcprttReportsTheRoundTripsOfItsPortInTheStatusAtStop() throws Exception {
    try (TestNetwork network = TestNetwork.create()) {
      TcpPeers.Server server = TcpPeers.echoServer(network, "127.0.0.1");
      String name = unique("tcprtt");
      platform
          .apply(
              platform.manifest(
                  name,
                  node,
                  "tcprtt",
                  "Manual",
                  "Status",
                  "parameters:\n  lport: \"%d\"".formatted(server.port())))
          .requireSuccess();
      platform.annotate(name, "start");
      platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);

      TcpPeers.client(network, "127.0.0.1", server.port()).pingPong(10, TIMEOUT);

      platform.annotate(name, "stop");
      Trace completed =
          platform.awaitTrace(
              name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.COMPLETED);
      assertThat(completed.getStatus().getOperationError()).isNull();
      RecordSchemas.assertValid("output-histogram.json", completed.getStatus().getOutput());
      JsonNode report = Json.mapper().readTree(completed.getStatus().getOutput());
      assertThat(report.get("valType").asText()).isEqualTo("usecs");
      long samples =
          StreamSupport.stream(report.get("data").spliterator(), false)
              .mapToLong(interval -> interval.get("count").asLong())
              .sum();
      // The server receives each of the 10 requests.
      assertThat(samples).isGreaterThanOrEqualTo(10);
    }
  }

  @Test
  void tcprttRefusesAnAddressThatIsNoneAndAFilter() {
    String badAddress = unique("tcprtt");
    String filtered = unique("tcprtt");
    platform
        .apply(
            platform.manifest(
                badAddress, node, "tcprtt", "Manual", "Status", "parameters:\n  laddr: fd00::1"))
        .requireSuccess();
    platform
        .apply(
            platform.manifest(
                filtered, node, "tcprtt", "Manual", "Status", "filter:\n  namespace: default"))
        .requireSuccess();
    platform.annotate(badAddress, "start");
    platform.annotate(filtered, "start");

    platform.awaitOperationError(
        badAddress,
        "Invalid value \"fd00::1\" for parameter \"laddr\" of gadget \"tcprtt\":"
            + " expected an IPv4 address such as 10.0.0.1");
    platform.awaitOperationError(filtered, "Invalid filter: Filtering is not supported");
  }

  private record StartedTrace(String name, String uid) {}

  /** Creates and starts a stream Trace of {@code gadget}; returns once it is Started. */
  private StartedTrace started(String gadget) {
    return started(gadget, "");
  }

  /** The same with these parameters, lines of YAML. */
  private StartedTrace started(String gadget, String parameters) {
    String name = unique(gadget);
    String spec = parameters.isEmpty() ? "" : "parameters:\n" + parameters.indent(2);
    platform
        .apply(platform.manifest(name, node, gadget, "Manual", "Stream", spec))
        .requireSuccess();
    platform.annotate(name, "start");
    Trace started =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    return new StartedTrace(name, started.getMetadata().getUid());
  }

  /** The first event of the trace on Kafka whose ports are {@code ports}, checked by its schema. */
  private JsonNode event(String traceUid, String schema, String ports) throws Exception {
    ConsumerRecord<String, String> record =
        platform
            .kafka
            .consumeMatching(
                platform.topics.events(),
                r -> r.key().equals(traceUid) && r.value().contains(ports),
                1,
                TIMEOUT)
            .getFirst();
    RecordSchemas.assertValid(schema, record.value());
    return Json.mapper().readTree(record.value());
  }

  /** The first event of the trace on Kafka that {@code matches}, checked by its schema. */
  private JsonNode event(String traceUid, String schema, Predicate<JsonNode> matches) {
    ConsumerRecord<String, String> record =
        platform
            .kafka
            .consumeMatching(
                platform.topics.events(),
                r -> r.key().equals(traceUid) && matches.test(parse(r.value())),
                1,
                TIMEOUT)
            .getFirst();
    RecordSchemas.assertValid(schema, record.value());
    return parse(record.value());
  }

  private static boolean isOperation(JsonNode event, String operation) {
    return event.path("operation").asText().equals(operation);
  }

  private static long sum(List<JsonNode> rows, String column) {
    return rows.stream().mapToLong(row -> row.get(column).asLong()).sum();
  }

  private static JsonNode parse(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As the node agent writes them, after saddr and daddr. */
  private static String tuple(int sport, int dport) {
    return "\"sport\":%d,\"daddr\":\"127.0.0.1\",\"dport\":%d".formatted(sport, dport);
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static TraceState state(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }
}
