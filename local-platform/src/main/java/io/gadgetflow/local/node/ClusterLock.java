package io.gadgetflow.local.node;

import io.gadgetflow.local.HeldFileLock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One local cluster per machine: its bridge, its address, the kubelet's port and its cgroup root
 * are the machine's, whatever data directory a cluster uses.
 */
public final class ClusterLock implements AutoCloseable {
  private static final Path LOCK_FILE = Path.of("/run/lock/gadgetflow-cluster.lock");

  private final HeldFileLock lock;

  private ClusterLock(HeldFileLock lock) {
    this.lock = lock;
  }

  /**
   * @param timeout how long to wait for another local cluster of this machine to stop
   * @throws NodeStartException when another local cluster still runs on this machine
   */
  public static ClusterLock acquire(Duration timeout) {
    try {
      return new ClusterLock(
          HeldFileLock.acquire(LOCK_FILE, timeout)
              .orElseThrow(
                  () ->
                      new NodeStartException(
                          "Another GadgetFlow cluster runs on this machine (it holds "
                              + LOCK_FILE
                              + "); stop it first: there is one bridge, one node address and one"
                              + " kubelet port")));
    } catch (IOException e) {
      throw new NodeStartException("Cannot lock " + LOCK_FILE + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    lock.close();
  }
}
