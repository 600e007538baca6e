package io.gadgetflow.local.node;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The programs of this machine the node runs: checked before anything starts, so that a missing one
 * is named with the Debian package that brings it, not found half-way through a start.
 */
public final class NodePrograms {
  /** Each program on the PATH, with its Debian package. */
  private static final Map<String, String> ON_PATH =
      Map.of(
          "containerd", "containerd",
          "containerd-shim-runc-v2", "containerd",
          "ctr", "containerd",
          "runc", "runc",
          "ip", "iproute2",
          "mount", "mount",
          "umount", "mount");

  /** The CNI plugins the pods' network uses, in {@link PodNetwork#CNI_PLUGINS}. */
  private static final List<String> CNI_PLUGINS = List.of("bridge", "host-local", "loopback");

  private NodePrograms() {}

  /**
   * @throws NodeStartException naming every missing program and the packages to install
   */
  public static void requirePresent() {
    List<String> missing = new ArrayList<>();
    List<String> packages = new ArrayList<>();
    ON_PATH.forEach(
        (program, debianPackage) -> {
          if (onPath(program).isEmpty()) {
            missing.add(program);
            if (!packages.contains(debianPackage)) {
              packages.add(debianPackage);
            }
          }
        });
    for (String plugin : CNI_PLUGINS) {
      if (!Files.isExecutable(PodNetwork.CNI_PLUGINS.resolve(plugin))) {
        missing.add(PodNetwork.CNI_PLUGINS.resolve(plugin).toString());
        if (!packages.contains("containernetworking-plugins")) {
          packages.add("containernetworking-plugins");
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new NodeStartException(
          "The node needs "
              + String.join(", ", missing)
              + ": install the Debian packages "
              + String.join(" ", packages)
              + " (./gadgetflow cluster does)");
    }
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String directory : path.split(File.pathSeparator)) {
      Path candidate = Path.of(directory, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
