package io.gadgetflow.node.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What the kernel says this JVM's threads are doing, for tests that must know a thread sleeps. */
public final class NativeThreads {
  private static final long TIMEOUT_NANOS = 10_000_000_000L;

  private NativeThreads() {}

  /**
   * Waits until the platform thread of that name (the JVM gives native threads their Java name, cut
   * to 15 characters) sleeps in the kernel's epoll wait.
   */
  public static void awaitBlockedInEpollWait(String threadName) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (System.nanoTime() < deadline) {
      if (sleepsInEpollWait(threadName)) {
        return;
      }
      Thread.onSpinWait();
      Thread.sleep(1);
    }
    throw new AssertionError("thread " + threadName + " never blocked in epoll_wait");
  }

  /** Whether any live native thread of this JVM has that name. */
  public static boolean exists(String threadName) {
    return tasks().anyMatch(task -> threadName.equals(read(task.resolve("comm"))));
  }

  private static boolean sleepsInEpollWait(String threadName) {
    return tasks()
        .anyMatch(
            task ->
                threadName.equals(read(task.resolve("comm")))
                    && read(task.resolve("wchan")).contains("epoll"));
  }

  private static Stream<Path> tasks() {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      return tasks.toList().stream();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      return ""; // the thread ended meanwhile
    }
  }
}
