package io.gadgetflow.web;

import static io.gadgetflow.web.WebPlatform.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.json.WireNames;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.StreamTraceStarts;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import io.gadgetflow.web.ApiClient.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Records of every wrong shape written to the real broker's control, status and events topics,
 * before and while the controller, the node agent and the web UI work: each role skips them and
 * goes on. An operation still runs (controller and node agent), a socket still streams (web UI).
 * kubectl gadget's reading is tested in its own module (PoisonedEventsIT).
 */
@WithKafka
@WithKubernetes
class PoisonRecordsIT {

  @Test
  void everyRoleSkipsPoisonAndGoesOnWorking(KubernetesCluster cluster, KafkaBroker kafka)
      throws Exception {
    String namespace = cluster.createNamespace("poison");
    String node = InetAddress.getLocalHost().getHostName();
    try (WebPlatform platform =
        new WebPlatform(cluster, kafka, namespace, node)
            .withControllerAndNodeAgent()
            .withWeb(false, WebApiIT.SOCKET_QUEUE_EVENTS)) {
      String stranger = UUID.randomUUID().toString();
      kafka.writePoison(platform.topics.control(), stranger, goodControl(stranger, node));
      kafka.writePoison(platform.topics.status(), stranger, goodReport(stranger, node));
      String token =
          TraceUsers.tokenOf(
              cluster.client(), namespace, "operator", "get", "list", "create", "patch", "delete");
      ApiClient operator = new ApiClient(platform.baseUrl(), token);

      String name = "poisoned";
      Answer created =
          operator.post(
              operator.traces(namespace),
              new JsonObject()
                  .put("name", name)
                  .put("gadget", "execsnoop")
                  .put("nodes", new JsonArray().add(node))
                  .put("operation", "start"));
      assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
      String uid =
          created
              .body()
              .getJsonArray("items")
              .getJsonObject(0)
              .getJsonObject("metadata")
              .getString("uid");
      awaitState(platform, namespace, name, "Started");

      String events = operator.trace(namespace, name) + "/events?replay=0";
      try (EventSocketClient socket =
          EventSocketClient.reading(platform.baseUrl(), events, token)) {
        socket.framesUntil(frame -> "replayed".equals(frame.getString("kind")), TIMEOUT);
        // Poison under the watched trace's own key, and more on the other topics meanwhile.
        kafka.writePoison(platform.topics.events(), uid, goodEvent(node));
        kafka.writePoison(platform.topics.control(), uid, goodControl(uid, node));
        kafka.writePoison(platform.topics.status(), uid, goodReport(uid, node));
        String marker = "gadgetflow-poison-" + UUID.randomUUID();
        Process traced = new ProcessBuilder("/bin/true", marker).start();
        assertThat(traced.waitFor(30, TimeUnit.SECONDS)).isTrue();

        List<JsonObject> frames =
            socket.framesUntil(frame -> frame.encode().contains(marker), TIMEOUT);
        // Events after the poison still arrive, each one JSON object in the socket's frames.
        assertThat(EventSocketClient.events(frames))
            .filteredOn(event -> event.encode().contains(marker))
            .singleElement()
            .satisfies(exec -> assertThat(exec.getString("comm")).isEqualTo("true"));
      }

      Answer stopping =
          operator.post(
              operator.trace(namespace, name) + "/operation",
              new JsonObject().put("operation", "stop"));
      assertThat(stopping.status()).isEqualTo(202);
      awaitState(platform, namespace, name, "Stopped");
    }
  }

  private static byte[] goodControl(String uid, String node) {
    return Json.encode(
        StreamTraceStarts.of("poison", uid, node, "execsnoop", "op-poison", Instant.now()));
  }

  private static byte[] goodReport(String uid, String node) {
    return Json.encode(
        new NodeReport(
            node,
            uid,
            "op-poison",
            TraceState.STARTED,
            null,
            null,
            null,
            new EventCounters(1, 0),
            Instant.now()));
  }

  private static byte[] goodEvent(String node) {
    return ("{\"timestamp\":1,\"type\":\"normal\",\"pid\":4,\"comm\":\"true\",\"node\":\""
            + node
            + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void awaitState(
      WebPlatform platform, String namespace, String name, String state) {
    platform
        .cluster
        .client()
        .resources(Trace.class)
        .inNamespace(namespace)
        .withName(name)
        .waitUntilCondition(
            t ->
                t != null
                    && t.getStatus() != null
                    && t.getStatus().getState() != null
                    && state.equals(WireNames.of(t.getStatus().getState())),
            TIMEOUT.toSeconds(),
            TimeUnit.SECONDS);
  }
}
