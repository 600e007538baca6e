package io.gadgetflow.controller.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
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
 *
 * <p>fabric8's elector campaigns once: after its holder fails to renew in time (an API server that
 * answered too slowly, a Lease taken over), it ends for good. A replica would then stand by forever
 * while its health says UP, and with every replica in that state no Trace would move again. So an
 * ended campaign is followed by a new one until {@link #stop()}.
 */
public final class LeaderElection {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  /**
   * How the Lease is held, with Kubernetes' own controllers' defaults and rules (client-go's leader
   * election): a standby takes over at most {@code leaseDuration} after the leader stopped
   * renewing; a leader that could not renew within {@code renewDeadline} stops acting, before the
   * Lease it held can expire; every {@code retryPeriod} (with up to {@link #JITTER} more) a standby
   * tries to take the Lease and a leader renews it, so that several tries fit in the deadline.
   */
  public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    public static final Timing DEFAULT =
        new Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

    /** The most fabric8's elector (as client-go's) adds to a retry period at random. */
    public static final double JITTER = 1.2;

    /**
     * @throws IllegalArgumentException when a leader could act after its Lease expired (a renew
     *     deadline not shorter than the duration) or could not try again within the deadline
     */
    public Timing {
      if (retryPeriod.isNegative() || retryPeriod.isZero()) {
        throw new IllegalArgumentException(
            "the retry period must be positive, not " + retryPeriod.toMillis() + " ms");
      }
      if (renewDeadline.compareTo(leaseDuration) >= 0) {
        throw new IllegalArgumentException(
            "the renew deadline (%d ms) must be shorter than the lease duration (%d ms)"
                .formatted(renewDeadline.toMillis(), leaseDuration.toMillis()));
      }
      if (renewDeadline.toMillis() <= JITTER * retryPeriod.toMillis()) {
        throw new IllegalArgumentException(
            "the renew deadline (%d ms) must be longer than %s times the retry period (%d ms)"
                .formatted(renewDeadline.toMillis(), JITTER, retryPeriod.toMillis()));
      }
    }
  }

  private final KubernetesClient client;
  private final LeaderElectionConfig config;
  private final String description;
  private CompletableFuture<?> campaign;
  private boolean stopped;

  private LeaderElection(KubernetesClient client, LeaderElectionConfig config, String description) {
    this.client = client;
    this.config = config;
    this.description = description;
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
    LeaderElection election =
        new LeaderElection(
            electionClient(client, timing),
            config,
            "%s/%s for %s".formatted(namespace, leaseName, identity));
    election.campaign();
    return election;
  }

  /**
   * A client of {@code client}'s API server whose requests end within half the retry period each,
   * and are not retried: the elector tries again every retry period itself, and it checks the renew
   * deadline only between two tries. With the controller's client, a renewal waited in fabric8's
   * own retries (10, 100 ms doubling up to 3.2 s: about 19 s) while the API server was unreachable,
   * past the renew deadline and up to the Lease's expiry: the holder neither renewed nor stopped
   * acting, and a standby could take the Lease while it still acted. A try (a read and an update of
   * the Lease) now ends within the retry period, so the holder stops acting at most a retry period
   * and a try after the deadline.
   */
  static KubernetesClient electionClient(KubernetesClient client, Timing timing) {
    RequestConfig requests =
        new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
            .withRequestRetryBackoffLimit(0)
            .withRequestTimeout(Math.toIntExact(timing.retryPeriod().toMillis() / 2))
            .build();
    // The same connection and credentials (their refreshes included), other request settings.
    return client.newClient(requests).adapt(KubernetesClient.class);
  }

  private synchronized void campaign() {
    if (stopped) {
      return;
    }
    CompletableFuture<?> started = client.leaderElector().withConfig(config).build().start();
    campaign = started;
    started.whenComplete((v, e) -> campaignEnded(started, e));
  }

  private void campaignEnded(CompletableFuture<?> ended, Throwable cause) {
    synchronized (this) {
      if (stopped || ended != campaign) {
        return;
      }
    }
    LOG.warn(
        "Lease {} was not renewed in time ({}); campaigning for it again",
        description,
        cause == null ? "lost" : cause.toString());
    campaign();
  }

  /** Gives the Lease up, so a standby replica takes over at once. */
  public void stop() {
    CompletableFuture<?> current;
    synchronized (this) {
      stopped = true;
      current = campaign;
    }
    current.cancel(true);
  }
}
