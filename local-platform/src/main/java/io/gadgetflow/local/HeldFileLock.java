package io.gadgetflow.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An exclusive lock on a file, held until closed. The operating system releases it when the holding
 * JVM dies, however it dies, so a lock that can be taken means that no live holder is left.
 */
public final class HeldFileLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private HeldFileLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock on {@code file} (created with its folders when missing).
   *
   * @return the lock, or empty when another holder, in this JVM or another, has it
   * @throws IOException when the file cannot be created or locked
   */
  public static Optional<HeldFileLock> tryAcquire(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return Optional.of(new HeldFileLock(channel, lock));
      }
    } catch (OverlappingFileLockException e) {
      // Held by another holder of this JVM: taken just the same.
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    channel.close();
    return Optional.empty();
  }

  @Override
  public void close() {
    try (channel) {
      lock.release();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot release a lock file", e);
    }
  }
}
