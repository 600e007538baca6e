package io.gadgetflow.bench.fleet;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.ControllerVerticle;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Clock;

/**
 * The controller of the fleet, in a process of its own (as in a cluster, where it is a pod of its
 * own), so that its CPU time is its own: configured from the environment as `gadgetflow controller`
 * is (GADGETFLOW_*, KUBECONFIG), it runs until its standard input closes.
 */
public final class FleetController {
  /** Printed once the controller is deployed. */
  static final String READY = "fleet-controller ready";

  private FleetController() {}

  public static void main(String[] args) throws Exception {
    ControllerConfig config = ControllerConfig.fromEnvironment(System.getenv(), "fleet-controller");
    Vertx vertx = Vertx.vertx();
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      vertx
          .deployVerticle(new ControllerVerticle(config, client, Clock.systemUTC()))
          .toCompletionStage()
          .toCompletableFuture()
          .get();
      System.out.println(READY);
      System.out.flush();
      awaitStdinClosed();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  /** Until standard input ends: the bench's signal to stop, as a closed pipe. */
  static void awaitStdinClosed() throws IOException {
    while (System.in.read() >= 0) {
      // Nothing is said on stdin: its end is the signal to stop.
    }
  }
}
