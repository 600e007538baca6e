package io.gadgetflow.controller.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class KubernetesCallsTest {
  private static final Duration DEADLINE = Duration.ofMillis(200);

  /** One worker, so that the call after a cut one runs on the very thread that was interrupted. */
  private static KubernetesCalls calls(Vertx vertx) {
    WorkerExecutor oneWorker = vertx.createSharedWorkerExecutor("kubernetes-calls-test", 1);
    return new KubernetesCalls(vertx, oneWorker, DEADLINE);
  }

  /**
   * Waits as fabric8 waits for a response its HTTP client never completes, and ends as fabric8 ends
   * when interrupted: with the thread's interrupt status set again.
   */
  private static String responseThatNeverComes() throws Exception {
    try {
      return new CompletableFuture<String>().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aCallThatNeverReturnsFailsAtItsDeadline(Vertx vertx, VertxTestContext test) {
    calls(vertx)
        .run("patch of Trace gadget/hung", KubernetesCallsTest::responseThatNeverComes)
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(failure)
                              .isInstanceOf(TimeoutException.class)
                              .hasMessage("patch of Trace gadget/hung did not return within 200 ms")
                              .hasRootCauseInstanceOf(InterruptedException.class);
                          test.completeNow();
                        })));
  }

  @Test
  void theThreadOfACutCallRunsTheNextCallUninterrupted(Vertx vertx, VertxTestContext test) {
    KubernetesCalls calls = calls(vertx);
    calls
        .run("hung call", KubernetesCallsTest::responseThatNeverComes)
        .map(response -> false)
        .recover(
            cut ->
                calls.run(
                    "next call",
                    () -> {
                      Thread.sleep(DEADLINE.toMillis() / 4);
                      return Thread.currentThread().isInterrupted();
                    }))
        .onComplete(
            test.succeeding(
                interrupted ->
                    test.verify(
                        () -> {
                          assertThat(interrupted).isFalse();
                          test.completeNow();
                        })));
  }

  @Test
  void aCallThatFailsOnItsOwnKeepsItsFailure(Vertx vertx, VertxTestContext test) {
    calls(vertx)
        .run(
            "read of Trace gadget/gone",
            () -> {
              throw new IllegalStateException("422 Unprocessable Entity");
            })
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(failure)
                              .isInstanceOf(IllegalStateException.class)
                              .hasMessage("422 Unprocessable Entity");
                          test.completeNow();
                        })));
  }

  @Test
  void aCallWithinItsDeadlineReturnsItsResult(Vertx vertx, VertxTestContext test) {
    calls(vertx)
        .run("read of Trace gadget/here", () -> "trace")
        .onComplete(
            test.succeeding(
                result ->
                    test.verify(
                        () -> {
                          assertThat(result).isEqualTo("trace");
                          test.completeNow();
                        })));
  }
}
