package io.gadgetflow.local.kube;

import io.gadgetflow.local.HeldFileLock;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Marks a data directory as used by one running control plane. The operating system releases the
 * lock when the holding JVM dies, however it dies, so a lock that can be taken means that no live
 * control plane uses the directory.
 */
final class DataDirectoryLock implements AutoCloseable {
  private static final String LOCK_FILE = ".lock";

  private final HeldFileLock lock;

  private DataDirectoryLock(HeldFileLock lock) {
    this.lock = lock;
  }

  /**
   * @throws ControlPlaneStartException when another control plane, in this JVM or another, holds it
   */
  static DataDirectoryLock acquire(Path dataDir) {
    try {
      return new DataDirectoryLock(
          HeldFileLock.tryAcquire(dataDir.resolve(LOCK_FILE))
              .orElseThrow(
                  () ->
                      new ControlPlaneStartException(
                          "The control plane data directory "
                              + dataDir
                              + " is in use by another running control plane; stop it or choose"
                              + " another directory")));
    } catch (IOException e) {
      throw new ControlPlaneStartException("Cannot lock the data directory " + dataDir, e);
    }
  }

  @Override
  public void close() {
    lock.close();
  }
}
