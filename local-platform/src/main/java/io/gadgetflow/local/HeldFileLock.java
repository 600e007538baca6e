package io.gadgetflow.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

  /**
   * Takes the lock on {@code file}, waiting up to {@code timeout} for its holder to release it.
   *
   * @return the lock, or empty when the holder still has it after {@code timeout}
   * @throws IOException when the file cannot be created or locked
   */
  public static Optional<HeldFileLock> acquire(Path file, Duration timeout) throws IOException {
    Optional<HeldFileLock> taken = tryAcquire(file);
    if (taken.isPresent() || timeout.isZero()) {
      return taken;
    }
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    CompletableFuture<FileLock> waiting = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                waiting.complete(channel.lock());
              } catch (IOException | RuntimeException e) {
                waiting.completeExceptionally(e);
              }
            });
    try {
      return Optional.of(
          new HeldFileLock(channel, waiting.get(timeout.toNanos(), TimeUnit.NANOSECONDS)));
    } catch (TimeoutException e) {
      // Closing the channel ends the waiting lock() call.
      channel.close();
      return Optional.empty();
    } catch (ExecutionException e) {
      channel.close();
      throw new IOException("Cannot lock " + file, e.getCause());
    } catch (InterruptedException e) {
      channel.close();
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
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
