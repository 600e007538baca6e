package io.gadgetflow.local.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The cgroup the kubelet puts every pod under ({@code cgroupRoot}): {@code /<name>} in every cgroup
 * hierarchy of the machine. Its own subtree keeps the kubelet away from other {@code /kubepods}
 * trees on the machine (of another kubelet, or of tests that imitate one), which it would treat as
 * its own orphans and empty.
 */
final class CgroupRoot {
  /** Long enough for the kernel to take a killed process out of its cgroup. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);

  private final String name;

  CgroupRoot(String name) {
    this.name = name;
  }

  /** The kubelet's {@code cgroupRoot} setting. */
  String path() {
    return "/" + name;
  }

  /**
   * Creates the cgroup in every hierarchy; the kubelet refuses to start unless it exists in each.
   */
  void create() {
    for (Path hierarchy : hierarchies()) {
      Path cgroup = hierarchy.resolve(name);
      try {
        Files.createDirectories(cgroup);
        // A new cpuset cgroup of cgroup v1 has no CPUs and no memory nodes, so no task could join.
        for (String setting : new String[] {"cpuset.cpus", "cpuset.mems"}) {
          if (Files.exists(hierarchy.resolve(setting))) {
            Files.writeString(
                cgroup.resolve(setting), Files.readString(hierarchy.resolve(setting)));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create the cgroup " + cgroup, e);
      }
    }
  }

  /**
   * Removes the cgroup and everything below it in every hierarchy, killing any process still in
   * them (a container whose runtime is gone).
   */
  void remove() {
    for (Path hierarchy : hierarchies()) {
      Path top = hierarchy.resolve(name);
      if (!Files.isDirectory(top)) {
        continue;
      }
      for (Path cgroup : deepestFirst(top)) {
        killProcessesIn(cgroup);
        try {
          Files.deleteIfExists(cgroup);
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot remove the cgroup " + cgroup, e);
        }
      }
    }
  }

  private static List<Path> deepestFirst(Path top) {
    try (Stream<Path> tree = Files.walk(top)) {
      return tree.filter(Files::isDirectory)
          .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the cgroups below " + top, e);
    }
  }

  private static void killProcessesIn(Path cgroup) {
    List<ProcessHandle> processes = processesIn(cgroup);
    processes.forEach(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + KILL_WAIT.toNanos();
    while (!processesIn(cgroup).isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static List<ProcessHandle> processesIn(Path cgroup) {
    try {
      return Files.readAllLines(cgroup.resolve("cgroup.procs")).stream()
          .filter(line -> !line.isBlank())
          .map(line -> ProcessHandle.of(Long.parseLong(line.strip())))
          .flatMap(Optional::stream)
          .toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the processes of " + cgroup, e);
    }
  }

  /** Where the machine mounts its cgroup hierarchies (v1 controllers, named ones, and v2). */
  private static List<Path> hierarchies() {
    return Mounts.all().stream()
        .filter(mount -> mount.type().equals("cgroup") || mount.type().equals("cgroup2"))
        .map(Mounts.Mount::mountPoint)
        .distinct()
        .toList();
  }
}
