package io.gadgetflow.node.containers;

import io.gadgetflow.node.bpf.Namespaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Finds the mount and network namespaces of containers by walking {@code /proc}: a process whose
 * cgroup is a container's (see {@link KubeletCgroup}) tells that container's namespaces. When
 * processes of one container are in several mount namespaces, the lowest pid's counts, as it is
 * most likely the container's first process.
 *
 * <p>Processes in the host's mount namespace are never taken for a container's: a container always
 * has a mount namespace of its own, and a filter must never select the host. Only the other
 * processes' cgroup files are read, so a walk costs little more than listing {@code /proc}.
 */
public final class ProcessScanner {
  private final Path procRoot;
  private final long hostMountNamespaceId;

  ProcessScanner(Path procRoot, long hostMountNamespaceId) {
    this.procRoot = procRoot;
    this.hostMountNamespaceId = hostMountNamespaceId;
  }

  /**
   * For this machine's {@code /proc}: the host's mount namespace is init's where it can be read (a
   * node agent runs with the host's pid namespace), else the agent's own.
   */
  public static ProcessScanner ofThisMachine() {
    Path proc = Path.of("/proc");
    long host;
    try {
      host = mountNamespaceOf(proc.resolve("1"));
    } catch (IOException e) {
      try {
        host = mountNamespaceOf(proc.resolve("self"));
      } catch (IOException unreadable) {
        throw new UncheckedIOException("cannot read /proc/self/ns/mnt", unreadable);
      }
    }
    return new ProcessScanner(proc, host);
  }

  public long hostMountNamespaceId() {
    return hostMountNamespaceId;
  }

  /**
   * Where a container's processes are.
   *
   * @param netNamespaceId 0 when the process's network namespace could not be read
   * @param pid the process they were read from
   */
  public record Location(long mountNamespaceId, long netNamespaceId, long pid) {}

  /**
   * The namespaces of each of {@code containerIds} that has a process now.
   *
   * @param knownMountNamespaces skipped without reading cgroups: they belong to containers found
   *     before
   */
  public Map<String, Location> locate(Set<String> containerIds, Set<Long> knownMountNamespaces) {
    Map<String, Location> found = new HashMap<>();
    if (containerIds.isEmpty()) {
      return found;
    }
    try (DirectoryStream<Path> processes =
        Files.newDirectoryStream(procRoot, Namespaces::isProcess)) {
      for (Path process : processes) {
        long mountNamespace;
        String cgroup;
        try {
          mountNamespace = mountNamespaceOf(process);
          if (mountNamespace == hostMountNamespaceId
              || knownMountNamespaces.contains(mountNamespace)) {
            continue;
          }
          cgroup = Files.readString(process.resolve("cgroup"));
        } catch (IOException | RuntimeException gone) {
          continue; // the process exited meanwhile, or is not ours to read
        }
        long pid = Long.parseLong(process.getFileName().toString());
        KubeletCgroup.containerIdOf(cgroup)
            .filter(containerIds::contains)
            .filter(id -> !found.containsKey(id) || pid < found.get(id).pid())
            .ifPresent(
                id -> found.put(id, new Location(mountNamespace, netNamespaceOf(process), pid)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + procRoot, e);
    }
    return found;
  }

  static long mountNamespaceOf(Path process) throws IOException {
    return Namespaces.idOf(process, Namespaces.MOUNT);
  }

  private static long netNamespaceOf(Path process) {
    try {
      return Namespaces.idOf(process, Namespaces.NETWORK);
    } catch (IOException | RuntimeException unreadable) {
      return 0;
    }
  }
}
