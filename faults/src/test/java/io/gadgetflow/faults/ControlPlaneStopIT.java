package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.local.kafka.KafkaCluster;
import io.gadgetflow.testing.NodeKeyDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gadgetflow controller} and {@code gadgetflow web} stopped as Kubernetes stops their pods
 * (SIGTERM) while their only broker is dead: each ends within the pod's grace period (30 s) with
 * exit code 0, the controller also with an operation it handed over still waiting for Kafka.
 * Before, the controller's producer waited for that record without a bound, and the launcher gave
 * up after 25 s with exit 1.
 */
class ControlPlaneStopIT {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneStopIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @Test
  void theControllerAndTheWebUiStoppedWhileKafkaIsDeadExitZeroWithinTheirGrace(
      @TempDir Path scratch) throws Exception {
    try (KafkaCluster kafka = FaultSteps.startCluster(scratch, 1);
        KillableControlPlane kube = KillableControlPlane.start()) {
      String namespace = kube.cluster().createNamespace("faults-control-plane-stop");
      Path logs = Files.createDirectories(Path.of("target", "control-plane-stop"));
      Map<String, String> environment =
          ControllerProcess.Settings.of(
                  kube.kubeconfig(),
                  kafka.bootstrapServers(),
                  TopicNames.DEFAULTS,
                  namespace,
                  NodeKeyDirectory.temporary())
              .environment();
      try (RoleProcess controller =
              RoleProcess.start("controller", "replica-1", environment, logs);
          RoleProcess web =
              RoleProcess.start(
                  "web", "web-1", with(environment, "GADGETFLOW_WEB_PORT", "0"), logs)) {
        OperationLedger ledger =
            new OperationLedger(
                kube.cluster(), namespace, kafka.bootstrapServers(), TopicNames.DEFAULTS, TIMEOUT);
        ledger.await("the controller acts", () -> controller.logged("now acts on Traces"));
        ledger.await("the web UI listens", () -> web.logged("Web UI listening"));
        // One operation handed over while Kafka answers, so that the replica's producer is set up
        // as in a running cluster, then one while it is dead.
        ledger.create("before", FaultPlatform.NODE, "execsnoop", "Stream", null);
        ledger.annotate("before", "start");
        ledger.await(
            "the first operation handed over",
            () -> controller.logged("action=operation-published"));
        kafka.kill(1);
        ledger.create("during", FaultPlatform.NODE, "execsnoop", "Stream", null);
        ledger.annotate("during", "start");
        ledger.await(
            "the second operation taken",
            () -> controller.logged("action=operation-taken trace=" + namespace + "/during"));

        assertStopsWithinGrace("controller", controller);
        assertStopsWithinGrace("web UI", web);
      }
    }
  }

  private static void assertStopsWithinGrace(String role, RoleProcess process)
      throws InterruptedException, IOException {
    long stopStart = System.nanoTime();
    process.terminate();
    Integer exitCode = process.awaitExit(RoleProcess.GRACE);
    LOG.info(
        "The {} stopped on SIGTERM in {} ms with its broker dead",
        role,
        Duration.ofNanos(System.nanoTime() - stopStart).toMillis());
    assertThat(exitCode)
        .as(
            "the %s ends within its pod's grace period (%s), exit 0:%n%s",
            role, RoleProcess.GRACE, process.log())
        .isEqualTo(0);
  }

  private static Map<String, String> with(
      Map<String, String> environment, String key, String value) {
    Map<String, String> more = new HashMap<>(environment);
    more.put(key, value);
    return more;
  }
}
