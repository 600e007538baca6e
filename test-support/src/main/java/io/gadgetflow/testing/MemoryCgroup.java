package io.gadgetflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A memory cgroup of the v1 controller (as this machine's kind mounts it) with a tiny limit, for
 * workloads the kernel's out-of-memory killer must kill. Closing it kills what still runs in it and
 * removes it.
 */
public final class MemoryCgroup implements AutoCloseable {
  private static final Path MEMORY_CGROUPS = Path.of("/sys/fs/cgroup/memory");

  private final Path directory;

  private MemoryCgroup(Path directory) {
    this.directory = directory;
  }

  public static MemoryCgroup create(long limitBytes) throws IOException {
    assertThat(MEMORY_CGROUPS.resolve("cgroup.procs"))
        .as("the cgroup v1 memory controller, mounted on this machine's kind")
        .isWritable();
    Path directory =
        Files.createDirectory(MEMORY_CGROUPS.resolve("gadgetflow-oom-" + UUID.randomUUID()));
    Files.writeString(directory.resolve("memory.limit_in_bytes"), Long.toString(limitBytes));
    return new MemoryCgroup(directory);
  }

  public Path directory() {
    return directory;
  }

  /** Starts {@code sh -c script} in this cgroup: the shell joins it, then runs the script. */
  public Process start(String script) throws IOException {
    return new ProcessBuilder(
            "sh", "-c", "echo $$ > " + directory.resolve("cgroup.procs") + "; " + script)
        .start();
  }

  /**
   * Runs a {@code dd} whose buffer is larger than the limit, which the kernel kills (it is the only
   * process the cgroup could free memory from); returns it, ended.
   */
  public Process runDdOverLimit(long bufferBytes) throws IOException, InterruptedException {
    Process dd =
        start("exec dd if=/dev/zero of=/dev/null bs=" + bufferBytes + " count=1 status=none");
    assertThat(dd.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(dd.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    return dd;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String processes;
    while (!(processes = Files.readString(directory.resolve("cgroup.procs"))).isBlank()
        && System.nanoTime() < deadline) {
      processes
          .lines()
          .map(Long::parseLong)
          .flatMap(pid -> ProcessHandle.of(pid).stream())
          .forEach(ProcessHandle::destroyForcibly);
      Thread.sleep(10);
    }
    Files.delete(directory);
  }
}
