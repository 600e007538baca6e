package io.gadgetflow.node.containers;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the container a process belongs to in its {@code /proc/<pid>/cgroup}, from the paths
 * kubelet gives pods and the runtimes give containers:
 *
 * <ul>
 *   <li>cgroupfs driver: {@code /kubepods/burstable/pod<uid>/<id>} (containerd, docker) or {@code
 *       .../pod<uid>/crio-<id>} (CRI-O); guaranteed pods sit right under {@code /kubepods};
 *   <li>systemd driver: {@code /kubepods.slice/kubepods-burstable.slice/ kubepods-burstable-pod<uid
 *       with _>.slice/cri-containerd-<id>.scope}, {@code crio-<id>.scope} or {@code
 *       docker-<id>.scope}.
 * </ul>
 *
 * <p>The same paths appear on the unified line ({@code 0::}) of cgroup v2 and on each controller's
 * line of cgroup v1, so every line is tried. Whatever precedes the pod's cgroup is ignored (kind
 * and nested setups put kubepods under a slice of their own, and a cgroup namespace shows {@code
 * /../..}); a process in a cgroup below its container's still belongs to it.
 */
public final class KubeletCgroup {
  /** {@code pod<uid>}, optionally the tail of a systemd slice name. */
  private static final Pattern POD =
      Pattern.compile("(?:.*-)?pod[0-9a-fA-F][0-9a-fA-F_-]*(?:\\.slice)?");

  /** A runtime's container cgroup: its 64-hex-digit id, with the runtime's systemd decoration. */
  private static final Pattern CONTAINER =
      Pattern.compile("(?:cri-containerd-|crio-|docker-)?([0-9a-f]{64})(?:\\.scope)?");

  private KubeletCgroup() {}

  /** The runtime's id of the container whose cgroup holds the process, if it is in one. */
  public static Optional<String> containerIdOf(String procCgroup) {
    for (String line : procCgroup.split("\n")) {
      int pathStart = line.indexOf(':', line.indexOf(':') + 1) + 1;
      if (pathStart == 0) {
        continue;
      }
      Optional<String> id = containerIdInPath(line.substring(pathStart));
      if (id.isPresent()) {
        return id;
      }
    }
    return Optional.empty();
  }

  static Optional<String> containerIdInPath(String path) {
    String[] components = path.split("/");
    for (int i = 1; i < components.length; i++) {
      if (!POD.matcher(components[i - 1]).matches()) {
        continue;
      }
      Matcher container = CONTAINER.matcher(components[i]);
      if (container.matches()) {
        return Optional.of(container.group(1));
      }
    }
    return Optional.empty();
  }
}
