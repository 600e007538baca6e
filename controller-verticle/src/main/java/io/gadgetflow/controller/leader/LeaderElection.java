package io.gadgetflow.controller.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
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
  private final Settings settings;
  private final String description;

  /**
   * Where the campaigns' tries run: a thread each while busy, not the client's executor, on which a
   * try that never returns would hold up every later campaign's.
   */
  private final ExecutorService tries =
      Executors.newCachedThreadPool(
          Thread.ofPlatform().name("gadgetflow-lease-", 0).daemon().factory());

  private Campaign campaign;
  private boolean stopped;

  /** What every campaign for the Lease is made of. */
  private record Settings(
      String namespace,
      String leaseName,
      String identity,
      Timing timing,
      Context context,
      UnaryOperator<Lock> lock,
      Runnable onStartLeading,
      Runnable onStopLeading) {}

  private LeaderElection(KubernetesClient client, Settings settings) {
    this.client = client;
    this.settings = settings;
    this.description =
        "%s/%s for %s".formatted(settings.namespace(), settings.leaseName(), settings.identity());
  }

  /**
   * Campaigns for the Lease until {@link #stop()}; {@code onStartLeading} and {@code onStopLeading}
   * run on {@code context}, which also watches the renewals.
   *
   * @param lock passes the Lease's lock through: {@link UnaryOperator#identity()}, or a test's that
   *     makes a renewal hang
   */
  public static LeaderElection start(
      KubernetesClient client,
      String namespace,
      String leaseName,
      String identity,
      Timing timing,
      Context context,
      UnaryOperator<Lock> lock,
      Runnable onStartLeading,
      Runnable onStopLeading) {
    LeaderElection election =
        new LeaderElection(
            electionClient(client, timing),
            new Settings(
                namespace,
                leaseName,
                identity,
                timing,
                context,
                lock,
                onStartLeading,
                onStopLeading));
    election.campaign();
    context.runOnContext(
        v ->
            context
                .owner()
                .setPeriodic(timing.retryPeriod().toMillis(), id -> election.watchRenewals(id)));
    return election;
  }

  /**
   * A client of {@code client}'s API server whose requests are not retried and end within half the
   * renew deadline each, so that a try (a read and an update of the Lease) ends within the
   * deadline. With the controller's client, a renewal waited in fabric8's own retries (10, 100 ms
   * doubling up to 3.2 s: about 19 s) while the API server was unreachable: the elector, which
   * checks the renew deadline only between two tries, neither renewed nor stopped acting up to the
   * Lease's expiry. The deadline is now kept by {@link #watchRenewals} whatever a try takes; a
   * request may take seconds on a loaded API server (at 500 nodes, requests of half the retry
   * period, 1 s, lost the Lease again and again: docs/scale.md, run F), and should not cost the
   * Lease for that.
   */
  static KubernetesClient electionClient(KubernetesClient client, Timing timing) {
    RequestConfig requests =
        new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
            .withRequestRetryBackoffLimit(0)
            .withRequestTimeout(Math.toIntExact(timing.renewDeadline().toMillis() / 2))
            .build();
    // The same connection and credentials (their refreshes included), other request settings.
    return client.newClient(requests).adapt(KubernetesClient.class);
  }

  private synchronized void campaign() {
    if (stopped) {
      return;
    }
    Campaign next = new Campaign();
    campaign = next;
    next.start();
  }

  private synchronized boolean isCurrent(Campaign candidate) {
    return !stopped && candidate == campaign;
  }

  private void campaignEnded(Campaign ended, Throwable cause) {
    if (!isCurrent(ended)) {
      return;
    }
    LOG.warn(
        "Lease {} was not renewed in time ({}); campaigning for it again",
        description,
        cause == null ? "lost" : cause.toString());
    campaign();
  }

  /**
   * fabric8's elector checks the renew deadline only between two tries: a try whose request never
   * returns (fabric8io/kubernetes-client#7299: a response the HTTP client never completes, past any
   * request timeout) would leave this replica acting for good, while a standby takes the expired
   * Lease and acts too. So the controller's context checks every retry period when the Lease was
   * last written, and past the renew deadline stops acting itself and campaigns again; the hung try
   * is left behind, and whatever its campaign still says is ignored.
   */
  private void watchRenewals(long timer) {
    Campaign current;
    synchronized (this) {
      if (stopped) {
        settings.context().owner().cancelTimer(timer);
        return;
      }
      current = campaign;
    }
    Duration sinceWritten = current.lock.sinceWritten();
    if (!current.leading || sinceWritten.compareTo(settings.timing().renewDeadline()) <= 0) {
      return;
    }
    LOG.warn(
        "Lease {} was last renewed {} ms ago, past its renew deadline, and its renewal has not"
            + " returned; this replica stops acting and campaigns again",
        description,
        sinceWritten.toMillis());
    current.stopLeading();
    Campaign next;
    synchronized (this) {
      if (stopped || campaign != current) {
        return;
      }
      // The next campaign is current before the hung one is cancelled: its end is then no news.
      next = new Campaign();
      campaign = next;
    }
    current.lock.retire();
    // Not here: cancelling waits for the elector's monitor, which its hung try holds.
    tries.execute(current::cancel);
    next.start();
  }

  /** Gives the Lease up, so a standby replica takes over at once. */
  public void stop() {
    Campaign current;
    synchronized (this) {
      stopped = true;
      current = campaign;
    }
    current.cancel();
  }

  /**
   * One run of fabric8's elector, with a lock of its own that says when it last wrote the Lease.
   * Its callbacks reach the controller only while it is the current campaign and only in order: a
   * campaign abandoned by {@link #watchRenewals} says nothing more.
   */
  private final class Campaign {
    private final WrittenLock lock =
        new WrittenLock(
            settings
                .lock()
                .apply(
                    new LeaseLock(
                        settings.namespace(), settings.leaseName(), settings.identity())));

    /** On the context: whether this campaign told the controller to act and not yet to stop. */
    private boolean leading;

    /** Guarded by the election: null until started. */
    private CompletableFuture<?> future;

    /** Runs fabric8's elector, unless the election was stopped meanwhile. */
    void start() {
      LeaderElectionConfig config =
          new LeaderElectionConfigBuilder()
              .withName(settings.leaseName())
              .withLock(lock)
              .withLeaseDuration(settings.timing().leaseDuration())
              .withRenewDeadline(settings.timing().renewDeadline())
              .withRetryPeriod(settings.timing().retryPeriod())
              .withReleaseOnCancel(true)
              .withLeaderCallbacks(
                  new LeaderCallbacks(
                      () -> settings.context().runOnContext(v -> startLeading()),
                      () -> settings.context().runOnContext(v -> stopLeading()),
                      leader ->
                          LOG.info(
                              "Lease {}/{} is held by {}",
                              settings.namespace(),
                              settings.leaseName(),
                              leader)))
              .build();
      CompletableFuture<?> started;
      synchronized (LeaderElection.this) {
        if (stopped) {
          return;
        }
        started = new LeaderElectorBuilder(client, tries).withConfig(config).build().start();
        future = started;
      }
      started.whenComplete((v, e) -> campaignEnded(this, e));
    }

    /** Ends the elector, which gives the Lease up if it holds it. */
    void cancel() {
      CompletableFuture<?> started;
      synchronized (LeaderElection.this) {
        started = future;
      }
      if (started != null) {
        started.cancel(true);
      }
    }

    private void startLeading() {
      if (isCurrent(this) && !leading) {
        leading = true;
        settings.onStartLeading().run();
      }
    }

    private void stopLeading() {
      if (leading) {
        leading = false;
        settings.onStopLeading().run();
      }
    }
  }
}
