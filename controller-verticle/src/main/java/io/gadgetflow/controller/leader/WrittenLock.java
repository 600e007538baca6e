package io.gadgetflow.controller.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;

/**
 * A Lease's lock that remembers when it last wrote the Lease: a create or an update (an acquisition
 * or a renewal) that returned. Read by {@link LeaderElection}'s watch of the renewals, which
 * retires the lock of a campaign it abandons: that campaign then writes nothing more, not even the
 * release of a Lease that the next campaign, of the same identity, may already hold again.
 */
final class WrittenLock implements Lock {
  private final Lock lock;
  private volatile long writtenAt = System.nanoTime();
  private volatile boolean retired;

  WrittenLock(Lock lock) {
    this.lock = lock;
  }

  Duration sinceWritten() {
    return Duration.ofNanos(System.nanoTime() - writtenAt);
  }

  void retire() {
    retired = true;
  }

  @Override
  public LeaderElectionRecord get(KubernetesClient client) {
    return lock.get(client);
  }

  @Override
  public void create(KubernetesClient client, LeaderElectionRecord record) {
    refuseWhenRetired();
    lock.create(client, record);
    writtenAt = System.nanoTime();
  }

  @Override
  public void update(KubernetesClient client, LeaderElectionRecord record) {
    refuseWhenRetired();
    lock.update(client, record);
    writtenAt = System.nanoTime();
  }

  @Override
  public String identity() {
    return lock.identity();
  }

  @Override
  public String describe() {
    return lock.describe();
  }

  private void refuseWhenRetired() {
    if (retired) {
      throw new IllegalStateException("this campaign for the Lease was abandoned");
    }
  }
}
