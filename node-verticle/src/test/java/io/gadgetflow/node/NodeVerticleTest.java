package io.gadgetflow.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class NodeVerticleTest {
  @Test
  void refusesToStartOnAnArchitectureItHasNoNativeSizesFor()
      throws InterruptedException, TimeoutException {
    String osArch = System.getProperty("os.arch");
    Vertx vertx = Vertx.vertx();
    System.setProperty("os.arch", "riscv64");
    try {
      CompletableFuture<String> deployed =
          vertx
              .deployVerticle(
                  new NodeVerticle(
                      NodeConfig.fromEnvironment(Map.of(), "node-1"), Clock.systemUTC()))
              .toCompletionStage()
              .toCompletableFuture();

      // Before anything else starts: there is no Kafka broker here to wait for.
      Throwable failure = null;
      try {
        deployed.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        failure = e.getCause();
      }
      assertThat(failure)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "The node agent runs on x86_64 (amd64) and aarch64 (arm64) only, not on riscv64");
    } finally {
      System.setProperty("os.arch", osArch);
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }
}
