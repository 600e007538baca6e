package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.leader.LeaderElection;
import io.gadgetflow.local.kafka.KafkaCluster;
import io.gadgetflow.testing.NodeKeyDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lease's holder keeps its renew deadline while the API server is unreachable for less than the
 * Kubernetes client's own retries of a request (about 19 s): it stops acting by then, where it used
 * to wait in those retries, neither renewing nor stopping, until the API server came back. The API
 * server killed with SIGKILL and started again 12 s later; a 12 s, 8 s, 2 s Lease.
 */
class LeaseRenewDeadlineIT {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseRenewDeadlineIT.class);
  private static final LeaderElection.Timing LEASE =
      new LeaderElection.Timing(
          Duration.ofSeconds(12), Duration.ofSeconds(8), Duration.ofSeconds(2));

  /** Longer than the renew deadline, shorter than the client's retries of one request. */
  private static final Duration DOWN = Duration.ofSeconds(12);

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @Test
  void theHolderStopsActingByItsRenewDeadlineAndActsAgainOnceTheApiServerIsBack(
      @TempDir Path scratch) throws Exception {
    try (KafkaCluster kafka = FaultSteps.startCluster(scratch, 1);
        KillableControlPlane kube = KillableControlPlane.start()) {
      String namespace = kube.cluster().createNamespace("faults-lease");
      Path logs = Files.createDirectories(Path.of("target", "lease-renew-deadline"));
      try (ControllerProcess controller =
          ControllerProcess.start(
              "replica-1",
              ControllerProcess.Settings.of(
                      kube.kubeconfig(),
                      kafka.bootstrapServers(),
                      TopicNames.DEFAULTS,
                      namespace,
                      NodeKeyDirectory.temporary())
                  .withLease(LEASE),
              logs)) {
        await("the controller acts", () -> controller.logCount("now acts on Traces") == 1);
        Lease held =
            kube.cluster()
                .client()
                .leases()
                .inNamespace(namespace)
                .withName(ControllerConfig.DEFAULT_LEASE_NAME)
                .get();
        Instant lastRenewal = held.getSpec().getRenewTime().toInstant();
        kube.killApiServer();
        long killedAt = System.nanoTime();
        await(
            "the holder stops acting while the API server is away",
            () ->
                controller.logCount("stops acting on Traces") >= 1
                    || System.nanoTime() - killedAt > DOWN.toNanos());
        Instant stoppedAt = Instant.now();
        boolean stoppedWhileAway = controller.logCount("stops acting on Traces") >= 1;
        long sinceKill = (System.nanoTime() - killedAt) / 1_000_000;
        FaultSteps.sleep(
            DOWN.minusMillis(sinceKill).isNegative() ? Duration.ZERO : DOWN.minusMillis(sinceKill));
        kube.restartApiServer();
        LOG.info(
            "Lease {}: the holder stopped acting {} ms after its last renewal ({} ms after the"
                + " kill)",
            LEASE,
            Duration.between(lastRenewal, stoppedAt).toMillis(),
            sinceKill);

        assertThat(stoppedWhileAway)
            .as("the holder stopped acting during the %s s outage", DOWN.toSeconds())
            .isTrue();
        // A try (a read and an update, each bounded by half the retry period) ends within the
        // retry period, and the elector checks the deadline every retry period; a second of slack.
        assertThat(Duration.between(lastRenewal, stoppedAt))
            .as("stopped acting by the renew deadline, a try and a retry period after the renewal")
            .isLessThanOrEqualTo(
                LEASE.renewDeadline().plus(LEASE.retryPeriod().multipliedBy(2)).plusSeconds(1));
        await(
            "the controller campaigns again and acts once the API server is back",
            () -> controller.logCount("now acts on Traces") >= 2);
      }
    }
  }

  private static void await(String description, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("%s within %s", description, TIMEOUT).isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }
}
