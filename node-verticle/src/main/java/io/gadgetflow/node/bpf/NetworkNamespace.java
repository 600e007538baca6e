package io.gadgetflow.node.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A network namespace of this machine, known by its id (the inode number of {@code
 * /proc/<pid>/ns/net}) and reached through a process in it. What must be created inside a namespace
 * (a packet socket, a socket iterator) is created by {@link #run}, on a platform thread of its own
 * that joins the namespace and ends afterwards, so that no thread of the JVM is left in a namespace
 * it did not start in.
 *
 * @param id the namespace's inode number
 * @param pid a process that was in it; when it is gone, another process in it is looked for
 */
public record NetworkNamespace(long id, long pid) {
  private static final Path PROC = Path.of("/proc");
  private static final Path THREAD_SELF = PROC.resolve("thread-self");

  /** The namespace process {@code pid} is in now. */
  public static NetworkNamespace ofProcess(long pid) {
    try {
      return new NetworkNamespace(
          Namespaces.idOf(PROC.resolve(Long.toString(pid)), Namespaces.NETWORK), pid);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the network namespace of process " + pid, e);
    }
  }

  /**
   * The host's: init's where it can be read (a node agent runs with the host's pid namespace), else
   * the agent's own.
   */
  public static NetworkNamespace host() {
    try {
      return new NetworkNamespace(Namespaces.idOf(PROC.resolve("1"), Namespaces.NETWORK), 1);
    } catch (IOException e) {
      return ofProcess(ProcessHandle.current().pid());
    }
  }

  /**
   * Runs {@code action} on a new platform thread inside this namespace and returns its result;
   * blocks until it is done.
   *
   * @throws IllegalStateException when no process is in the namespace any more, or the thread
   *     cannot join it
   */
  public <T> T run(Callable<T> action) {
    FutureTask<T> task = new FutureTask<>(() -> joinThenCall(action));
    Thread thread = Thread.ofPlatform().name("gadgetflow-netns-" + id).start(task);
    try {
      thread.join();
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while working in network namespace " + id, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime
          ? runtime
          : new IllegalStateException(e.getCause());
    }
  }

  private <T> T joinThenCall(Callable<T> action) throws Exception {
    Path namespaceFile =
        processIn()
            .map(process -> process.resolve("ns").resolve(Namespaces.NETWORK))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "network namespace " + id + " has no process in it any more"));
    try (Arena arena = Arena.ofConfined()) {
      int fd =
          SyscallException.check(
              Libc.open(
                  arena.allocateFrom(namespaceFile.toString()), Libc.O_RDONLY | Libc.O_CLOEXEC),
              "open of " + namespaceFile);
      try {
        SyscallException.check(Libc.setns(fd, Libc.CLONE_NEWNET), "setns to " + namespaceFile);
      } finally {
        Libc.close(fd);
      }
    }
    // The process may have left, or its pid been reused, between finding and opening it.
    long joined = Namespaces.idOf(THREAD_SELF, Namespaces.NETWORK);
    if (joined != id) {
      throw new IllegalStateException(
          "network namespace " + id + " was left by its process before it could be joined");
    }
    return action.call();
  }

  /** The {@code /proc/<pid>} of a process in this namespace: {@link #pid} if it still is. */
  private Optional<Path> processIn() throws IOException {
    Path known = PROC.resolve(Long.toString(pid));
    if (isIn(known)) {
      return Optional.of(known);
    }
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, Namespaces::isProcess)) {
      for (Path process : processes) {
        if (isIn(process)) {
          return Optional.of(process);
        }
      }
    }
    return Optional.empty();
  }

  private boolean isIn(Path process) {
    try {
      return Namespaces.idOf(process, Namespaces.NETWORK) == id;
    } catch (IOException | RuntimeException gone) {
      return false;
    }
  }
}
