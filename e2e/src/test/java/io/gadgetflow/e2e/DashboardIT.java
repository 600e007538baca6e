package io.gadgetflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's server in its pod, behind the cluster's relay to its Service, used with real
 * ServiceAccount tokens: the API server reviews each, and RBAC decides what its holder may do.
 */
@WithGadgetFlowCluster
@Order(30)
class DashboardIT {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** The audience the web UI accepts tokens for: its default, which the manifests keep. */
  static final String WEB_TOKEN_AUDIENCE = "gadgetflow";

  static HttpClient http;
  static String namespace;
  static String viewerToken;

  @BeforeAll
  static void aViewerOfTracesInOneNamespace(GadgetFlowCluster cluster) {
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    namespace = cluster.kubernetes().createNamespace("e2e-team");
    cluster
        .kubernetes()
        .kubectlWithInput(
            """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: viewer}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: trace-viewer}
            rules:
              - apiGroups: ["gadget.kinvolk.io"]
                resources: ["traces"]
                verbs: ["get", "list"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: viewer-views-traces}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: trace-viewer}
            subjects: [{kind: ServiceAccount, name: viewer}]
            """,
            "apply",
            "-n",
            namespace,
            "-f",
            "-")
        .requireSuccess();
    viewerToken = token(cluster, WEB_TOKEN_AUDIENCE);
  }

  /** A token of the viewer's ServiceAccount for {@code audience}, or the API server's when null. */
  private static String token(GadgetFlowCluster cluster, String audience) {
    return cluster
        .client()
        .serviceAccounts()
        .inNamespace(namespace)
        .withName("viewer")
        .tokenRequest(
            new TokenRequestBuilder()
                .withNewSpec()
                .withAudiences(audience == null ? List.of() : List.of(audience))
                .withExpirationSeconds(3600L)
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }

  @AfterAll
  static void closeClient() {
    if (http != null) {
      http.close();
    }
  }

  @Test
  void aViewerWatchesButCannotStartOrDelete(GadgetFlowCluster cluster) throws Exception {
    String admin = cluster.dashboardToken();
    HttpResponse<String> created =
        send(
            cluster,
            admin,
            "POST",
            "/api/v1/namespaces/" + namespace + "/traces",
            """
            {"name": "watched", "gadget": "execsnoop", "nodes": ["%s"], "operation": "start"}
            """
                .formatted(cluster.nodeName()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    HttpResponse<String> listed =
        send(cluster, viewerToken, "GET", "/api/v1/namespaces/" + namespace + "/traces", null);
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    assertThat(listed.body()).contains("\"watched\"");

    HttpResponse<String> start =
        send(
            cluster,
            viewerToken,
            "POST",
            "/api/v1/namespaces/" + namespace + "/traces",
            """
            {"name": "mine", "gadget": "execsnoop", "nodes": ["%s"], "operation": "start"}
            """
                .formatted(cluster.nodeName()));
    assertThat(start.statusCode()).as(start.body()).isEqualTo(403);
    assertThat(start.body()).contains("cannot create resource").contains("traces");

    HttpResponse<String> stop =
        send(
            cluster,
            viewerToken,
            "POST",
            "/api/v1/namespaces/" + namespace + "/traces/watched/operation",
            "{\"operation\": \"stop\"}");
    assertThat(stop.statusCode()).as(stop.body()).isEqualTo(403);

    HttpResponse<String> delete =
        send(
            cluster,
            viewerToken,
            "DELETE",
            "/api/v1/namespaces/" + namespace + "/traces/watched",
            null);
    assertThat(delete.statusCode()).as(delete.body()).isEqualTo(403);
    assertThat(cluster.kubernetes().kubectl("get", "trace", "-n", namespace, "watched").succeeded())
        .as("the viewer's refused delete left the Trace")
        .isTrue();

    String hello =
        firstFrame(
            cluster, viewerToken, "/api/v1/namespaces/" + namespace + "/traces/watched/events");
    assertThat(hello).contains("\"kind\":\"hello\"").contains("\"name\":\"watched\"");

    HttpResponse<String> deletedByAdmin =
        send(cluster, admin, "DELETE", "/api/v1/namespaces/" + namespace + "/traces/watched", null);
    assertThat(deletedByAdmin.statusCode()).as(deletedByAdmin.body()).isEqualTo(202);
  }

  @Test
  void aTokenTheApiServerDoesNotKnowIsRefused(GadgetFlowCluster cluster) throws Exception {
    HttpResponse<String> refused =
        send(cluster, "not-a-token", "GET", "/api/v1/namespaces/" + namespace + "/traces", null);

    assertThat(refused.statusCode()).isEqualTo(401);
  }

  @Test
  void theViewersTokenForTheApiServerIsRefused(GadgetFlowCluster cluster) throws Exception {
    // Valid, and its holder may list Traces here; but a token the web UI could replay to the API
    // server is not one for the web UI.
    HttpResponse<String> refused =
        send(
            cluster,
            token(cluster, null),
            "GET",
            "/api/v1/namespaces/" + namespace + "/traces",
            null);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
  }

  private static HttpResponse<String> send(
      GadgetFlowCluster cluster, String token, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(cluster.dashboardUrl() + path))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(
        request
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Opens the trace's event websocket as {@code token}'s holder and returns its first frame. */
  private static String firstFrame(GadgetFlowCluster cluster, String token, String path)
      throws Exception {
    CompletableFuture<String> first = new CompletableFuture<>();
    WebSocket socket =
        http.newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .buildAsync(
                URI.create(cluster.dashboardUrl().replace("http://", "ws://") + path),
                new WebSocket.Listener() {
                  private final StringBuilder frame = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    frame.append(data);
                    if (last) {
                      first.complete(frame.toString());
                    }
                    ws.request(1);
                    return null;
                  }
                })
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    try {
      return first.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      socket.abort();
    }
  }
}
