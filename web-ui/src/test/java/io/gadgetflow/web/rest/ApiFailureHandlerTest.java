package io.gadgetflow.web.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failures inside the web UI answer over real HTTP without their internal text. */
class ApiFailureHandlerTest {
  private static final String INTERNAL = "at /etc/gadgetflow/secret token=abc123";

  private final Vertx vertx = Vertx.vertx();
  private HttpServer server;

  @BeforeEach
  void serve() throws Exception {
    Router router = Router.router(vertx);
    router
        .get("/api/bug")
        .handler(
            ctx -> {
              throw new IllegalStateException(INTERNAL);
            });
    router
        .get("/api/kubernetes-down")
        .handler(
            ctx -> {
              throw new KubernetesClientException(
                  new StatusBuilder()
                      .withCode(403)
                      .withMessage("system:serviceaccount:gadget:gadgetflow-web " + INTERNAL)
                      .build());
            });
    router
        .get("/api/not-found")
        .handler(
            ctx -> {
              throw new KubernetesClientException(
                  new StatusBuilder().withCode(404).withMessage("traces \"x\" not found").build());
            });
    router
        .get("/api/kubernetes-silent")
        .handler(
            ctx -> {
              ctx.fail(new TimeoutException("read of Trace gadget/x did not return within 15 s"));
            });
    router.route("/api/*").failureHandler(new ApiFailureHandler());
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anInternalFailureAnswers500WithoutItsText() throws Exception {
    HttpResponse<String> answer = get("/api/bug");
    assertThat(answer.statusCode()).isEqualTo(500);
    assertThat(answer.body())
        .contains("the web UI's log has the details")
        .doesNotContain("secret", "IllegalStateException");
  }

  @Test
  void aCallToTheApiServerCutAtItsDeadlineAnswers503() throws Exception {
    HttpResponse<String> answer = get("/api/kubernetes-silent");
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).contains("did not answer the web UI's request in time");
  }

  @Test
  void theApiServerRefusingTheWebUiItselfAnswers503WithoutItsIdentity() throws Exception {
    HttpResponse<String> answer = get("/api/kubernetes-down");
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).doesNotContain("serviceaccount", "secret");
  }

  @Test
  void anAnswerAboutTheRequestItselfKeepsItsReason() throws Exception {
    HttpResponse<String> answer = get("/api/not-found");
    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.body()).contains("traces \\\"x\\\" not found");
  }

  private HttpResponse<String> get(String path) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
