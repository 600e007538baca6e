package io.gadgetflow.web.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gadgetflow.api.kube.CallDeadline;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.web.http.ApiException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The web UI's calls to an API server that takes a request and never answers it, through the real
 * fabric8 client: each ends at its deadline, and holds no other call behind it.
 */
class TraceStoreTest {
  private final Vertx vertx = Vertx.vertx();
  private final ApiServerSilentOnItsFirstRequest apiServer = new ApiServerSilentOnItsFirstRequest();
  private KubernetesClient client;

  @BeforeEach
  void connect() throws IOException {
    apiServer.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + apiServer.port())
                    .withRequestTimeout(60_000)
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
  }

  @AfterEach
  void close() throws Exception {
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    apiServer.close();
  }

  private TraceStore store(Duration deadline) {
    return new TraceStore(
        client,
        vertx.createSharedWorkerExecutor("trace-store-test", 2),
        new CallDeadline(deadline));
  }

  @Test
  void aCallTheApiServerNeverAnswersFailsAtItsDeadline() throws Exception {
    TraceStore store = store(Duration.ofMillis(300));

    Throwable failure = failureOf(store.list("gadget"));

    assertThat(failure)
        .isInstanceOf(TimeoutException.class)
        .hasMessage("list of the Traces of namespace gadget did not return within 300 ms");
  }

  @Test
  void aHungCallHoldsNoOtherCallBehindIt() throws Exception {
    TraceStore store = store(Duration.ofSeconds(30));
    // Both asked from one context, as the web UI's requests are: an ordered worker would run the
    // read only after the list's deadline.
    Context context = vertx.getOrCreateContext();
    Promise<List<Trace>> list = Promise.promise();
    context.runOnContext(v -> store.list("gadget").onComplete(list));
    assertThat(apiServer.firstRequestHeard.await(10, TimeUnit.SECONDS)).isTrue();
    Promise<Trace> read = Promise.promise();
    context.runOnContext(v -> store.get("gadget", "missing").onComplete(read));

    Throwable failure = failureOf(read.future());

    assertThat(failure).isInstanceOf(ApiException.class);
    assertThat(((ApiException) failure).status()).isEqualTo(404);
    assertThat(list.future().isComplete()).isFalse();
  }

  private static Throwable failureOf(Future<?> call) throws Exception {
    return call.map(result -> (Throwable) null)
        .recover(Future::succeededFuture)
        .toCompletionStage()
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  /**
   * Takes every connection; leaves the first request unanswered for good, answers every later one
   * with a 404 (fabric8 reads that as no such Trace).
   */
  private static final class ApiServerSilentOnItsFirstRequest implements AutoCloseable {
    private static final byte[] NOT_FOUND =
        ("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
            .getBytes(StandardCharsets.US_ASCII);

    final CountDownLatch firstRequestHeard = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private ServerSocket server;

    void start() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(this::accept);
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      try {
        while (true) {
          Socket connection = server.accept();
          Thread.ofVirtual().start(() -> serve(connection));
        }
      } catch (IOException closed) {
        // the test is over
      }
    }

    private void serve(Socket connection) {
      try (connection;
          InputStream in = connection.getInputStream();
          OutputStream out = connection.getOutputStream()) {
        while (readHeaders(in)) {
          if (requests.getAndIncrement() == 0) {
            firstRequestHeard.countDown();
            in.transferTo(OutputStream.nullOutputStream());
            return;
          }
          out.write(NOT_FOUND);
          out.flush();
        }
      } catch (IOException gone) {
        // the client closed the connection
      }
    }

    /** Reads up to the blank line ending a request's headers (the calls here send no body). */
    private static boolean readHeaders(InputStream in) throws IOException {
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      int b;
      while ((b = in.read()) != -1) {
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        if (matched == end.length) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
