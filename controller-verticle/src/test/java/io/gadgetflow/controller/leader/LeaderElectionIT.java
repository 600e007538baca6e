package io.gadgetflow.controller.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKubernetes;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The Lease's holder whose renewal never returns (as a fabric8 call whose response the HTTP client
 * never completes): it stops acting by its renew deadline, campaigns again and acts again, and the
 * hung campaign, once its call returns, says nothing more. fabric8's elector alone would have left
 * it acting for good.
 */
@WithKubernetes
class LeaderElectionIT {
  private static final LeaderElection.Timing LEASE =
      new LeaderElection.Timing(
          Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1));
  private static final String LEASE_NAME = "gadgetflow-controller";
  private static final String IDENTITY = "replica-1";

  @Test
  void aHolderWhoseRenewalNeverReturnsStopsActingByItsDeadlineAndActsAgain(
      KubernetesCluster cluster) throws Exception {
    String namespace = cluster.createNamespace("leader-election");
    Vertx vertx = Vertx.vertx();
    FirstLockHangs hang = new FirstLockHangs(namespace);
    BlockingQueue<String> said = new LinkedBlockingQueue<>();
    LeaderElection election =
        LeaderElection.start(
            cluster.client(),
            namespace,
            LEASE_NAME,
            IDENTITY,
            LEASE,
            vertx.getOrCreateContext(),
            hang::wrap,
            () -> said.add("start acting"),
            () -> said.add("stop acting"));
    try {
      assertThat(said.poll(30, TimeUnit.SECONDS)).isEqualTo("start acting");

      long hungAt = System.nanoTime();
      hang.arm();
      assertThat(hang.hung.await(10, TimeUnit.SECONDS)).as("a renewal hangs").isTrue();
      String next =
          said.poll(LEASE.renewDeadline().plusSeconds(3).toMillis(), TimeUnit.MILLISECONDS);
      Duration stoppedAfter = Duration.ofNanos(System.nanoTime() - hungAt);

      assertThat(next)
          .as("said within the renew deadline and a retry period or two")
          .isEqualTo("stop acting");
      assertThat(stoppedAfter)
          .isGreaterThanOrEqualTo(LEASE.renewDeadline().minus(LEASE.retryPeriod()));
      assertThat(said.poll(30, TimeUnit.SECONDS)).as("a new campaign").isEqualTo("start acting");

      hang.release();
      assertThat(said.poll(3, TimeUnit.SECONDS)).as("the hung campaign says nothing more").isNull();
    } finally {
      hang.release();
      election.stop();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The first campaign's lock, once armed, parks its next renewal until released. */
  private static final class FirstLockHangs {
    private final String namespace;
    private final AtomicInteger locks = new AtomicInteger();
    private final AtomicBoolean armed = new AtomicBoolean();
    private final CountDownLatch released = new CountDownLatch(1);
    final CountDownLatch hung = new CountDownLatch(1);

    FirstLockHangs(String namespace) {
      this.namespace = namespace;
    }

    /**
     * The first lock asked for hangs once armed; the later campaigns' locks are left as they are.
     */
    Lock wrap(Lock lock) {
      if (locks.getAndIncrement() > 0) {
        return lock;
      }
      return new LeaseLock(namespace, LEASE_NAME, IDENTITY) {
        @Override
        public void update(KubernetesClient client, LeaderElectionRecord record) {
          if (armed.get()) {
            hung.countDown();
            awaitRelease();
          }
          super.update(client, record);
        }
      };
    }

    void arm() {
      armed.set(true);
    }

    void release() {
      released.countDown();
    }

    /** Parked as fabric8 waits for a response that never comes: an interrupt does not end it. */
    private void awaitRelease() {
      while (true) {
        try {
          released.await();
          return;
        } catch (InterruptedException ignored) {
          // not what ends this wait
        }
      }
    }
  }
}
