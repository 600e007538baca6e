package io.gadgetflow.faults;

import io.gadgetflow.local.kafka.KafkaCluster;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Watches, from the other nodes, whether the cluster's metadata holds one broker as fenced: when it
 * was fenced after {@link #struck()} and when it was unfenced after {@link #released()}, each to
 * the poll (every {@link #POLL}) that saw it; polls that get no answer see nothing.
 */
final class BrokerWatch implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(250);

  private final int broker;
  private final Admin admin;
  private final Thread poller;
  private volatile boolean closing;
  private volatile long struckAt = -1;
  private volatile long releasedAt = -1;
  private volatile long fencedAt = -1;
  private volatile long unfencedAgainAt = -1;
  private volatile long lastSeenFencedAt = -1;
  private volatile long lastSeenUnfencedAt = -1;

  BrokerWatch(KafkaCluster cluster, int broker) {
    this.broker = broker;
    this.admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServersWithout(broker),
                AdminClientConfig.CLIENT_ID_CONFIG,
                "faults-broker-watch"));
    this.poller = Thread.ofPlatform().name("faults-broker-watch").start(this::poll);
  }

  /** The broker was struck (paused) now. */
  void struck() {
    struckAt = System.nanoTime();
  }

  /** The broker was let go (resumed) now. */
  void released() {
    releasedAt = System.nanoTime();
  }

  /**
   * Waits until a poll a few polls after {@link #released()} saw the broker unfenced, later than
   * any poll saw it fenced, or {@code timeout}; returns whether one did. Only what a poll saw
   * counts: while the broker is stopped the watch's reads can go to it and time out, so that it may
   * never see it fenced, and a broker never let go must not pass as back.
   */
  boolean awaitUnfencedAgain(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long settled = releasedAt + 8 * POLL.toNanos();
    while (lastSeenUnfencedAt < settled || lastSeenUnfencedAt < lastSeenFencedAt) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
    }
    return true;
  }

  /** Seconds from {@link #struck()} until it was seen fenced, or -1 when it never was. */
  double fencedAfterSeconds() {
    return fencedAt < 0 ? -1 : (fencedAt - struckAt) / 1e9;
  }

  /**
   * Seconds from {@link #released()} until a poll first saw it unfenced (again, when one saw it
   * fenced), or -1.
   */
  double unfencedAfterSeconds() {
    return unfencedAgainAt < 0 ? -1 : (unfencedAgainAt - releasedAt) / 1e9;
  }

  private void poll() {
    try {
      while (!closing) {
        Set<Integer> unfenced = KafkaCluster.unfencedBrokers(admin, Duration.ofSeconds(1));
        long now = System.nanoTime();
        if (!unfenced.isEmpty() && struckAt >= 0) {
          boolean isFenced = !unfenced.contains(broker);
          if (isFenced) {
            lastSeenFencedAt = now;
          } else {
            lastSeenUnfencedAt = now;
          }
          if (isFenced && fencedAt < 0) {
            fencedAt = now;
          }
          if (!isFenced && releasedAt >= 0 && now > releasedAt && unfencedAgainAt < 0) {
            unfencedAgainAt = now;
          }
        }
        TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    closing = true;
    poller.join();
    admin.close(Duration.ofSeconds(5));
  }
}
