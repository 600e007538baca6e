package io.gadgetflow.controller.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a Kubernetes {@code Lease} so that of several controller replicas exactly one acts. The
 * callbacks run on the controller's context.
 */
public final class LeaderElection {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  /**
   * How the Lease is held. A standby takes over at most {@code leaseDuration} after the leader
   * stopped renewing.
   */
  public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    public static final Timing DEFAULT =
        new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  private final CompletableFuture<?> running;

  private LeaderElection(CompletableFuture<?> running) {
    this.running = running;
  }

  public static LeaderElection start(
      KubernetesClient client,
      String namespace,
      String leaseName,
      String identity,
      Timing timing,
      Context context,
      Runnable onStartLeading,
      Runnable onStopLeading) {
    var config =
        new LeaderElectionConfigBuilder()
            .withName(leaseName)
            .withLock(new LeaseLock(namespace, leaseName, identity))
            .withLeaseDuration(timing.leaseDuration())
            .withRenewDeadline(timing.renewDeadline())
            .withRetryPeriod(timing.retryPeriod())
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(
                new LeaderCallbacks(
                    () -> context.runOnContext(v -> onStartLeading.run()),
                    () -> context.runOnContext(v -> onStopLeading.run()),
                    leader -> LOG.info("Lease {}/{} is held by {}", namespace, leaseName, leader)))
            .build();
    return new LeaderElection(client.leaderElector().withConfig(config).build().start());
  }

  /** Gives the Lease up, so a standby replica takes over at once. */
  public void stop() {
    running.cancel(true);
  }
}
