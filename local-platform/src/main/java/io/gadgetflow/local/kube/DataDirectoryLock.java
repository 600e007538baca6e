package io.gadgetflow.local.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Marks a data directory as used by one running control plane. The operating system releases the
 * lock when the holding JVM dies, however it dies, so a lock that can be taken means that no live
 * control plane uses the directory.
 */
final class DataDirectoryLock implements AutoCloseable {
  private static final String LOCK_FILE = ".lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @throws ControlPlaneStartException when another control plane, in this JVM or another, holds it
   */
  static DataDirectoryLock acquire(Path dataDir) {
    FileChannel channel = open(dataDir);
    try {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return new DataDirectoryLock(channel, lock);
      }
    } catch (OverlappingFileLockException e) {
      // Held by another control plane of this JVM: in use just the same.
    } catch (IOException e) {
      close(channel);
      throw new ControlPlaneStartException("Cannot lock the data directory " + dataDir, e);
    }
    close(channel);
    throw new ControlPlaneStartException(
        "The control plane data directory "
            + dataDir
            + " is in use by another running control plane; stop it or choose another directory");
  }

  @Override
  public void close() {
    try (channel) {
      lock.release();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot release a lock file", e);
    }
  }

  private static FileChannel open(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      return FileChannel.open(
          dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new ControlPlaneStartException("Cannot use the data directory " + dataDir, e);
    }
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close a lock file", e);
    }
  }
}
