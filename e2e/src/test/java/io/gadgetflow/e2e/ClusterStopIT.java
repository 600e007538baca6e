package io.gadgetflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Stopping {@code gadgetflow cluster} with Ctrl-C (SIGINT) leaves nothing of it on the machine: no
 * process, mount, cgroup, network link, kubelet or CNI leftover, and the kernel settings the
 * kubelet changes are back. Last, since it ends the tier's cluster.
 */
@WithGadgetFlowCluster
@Order(100)
class ClusterStopIT {
  @Test
  void stoppingTheClusterRemovesEverythingItStarted(GadgetFlowCluster cluster) throws IOException {
    Path dataDir = cluster.dataDir();
    // While the cluster ran, too: the kubelet set its values at its start, the node put back the
    // machine's once it had.
    assertThat(cluster.kernelTunables())
        .as("the kernel settings the kubelet changes, while the cluster runs")
        .isEqualTo(cluster.kernelTunablesBefore());

    cluster.stop();

    assertThat(processesMentioning(dataDir.toString())).as("processes of the cluster").isEmpty();
    assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo")))
        .as("mounts below " + dataDir)
        .noneMatch(line -> line.split(" ")[4].startsWith(dataDir.toString()));
    try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
      assertThat(hierarchies.map(hierarchy -> hierarchy.resolve("gadgetflow")))
          .as("the pods' cgroups")
          .noneMatch(Files::exists);
    }
    assertThat(Path.of("/sys/class/net/gadgetflow0")).as("the node's bridge").doesNotExist();
    assertThat(linksInto(Path.of("/var/log/containers"), dataDir))
        .as("container log links")
        .isEmpty();
    assertThat(namesIn(Path.of("/var/lib/cni/results")))
        .as("libcni's results for the pods")
        .noneMatch(name -> name.startsWith("gadgetflow-"));
    assertThat(cluster.kernelTunables())
        .as("the kernel settings the kubelet changes")
        .isEqualTo(cluster.kernelTunablesBefore());
  }

  private static List<Long> processesMentioning(String text) throws IOException {
    List<Long> found = new ArrayList<>();
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      for (Path process :
          processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String commandLine =
              new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
          if (commandLine.contains(text)) {
            found.add(Long.parseLong(process.getFileName().toString()));
          }
        } catch (IOException e) {
          // The process ended meanwhile.
        }
      }
    }
    return found;
  }

  private static List<Path> linksInto(Path directory, Path target) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> links = Files.list(directory)) {
      return links
          .filter(Files::isSymbolicLink)
          .filter(
              link -> {
                try {
                  return Files.readSymbolicLink(link).startsWith(target);
                } catch (IOException e) {
                  return false;
                }
              })
          .toList();
    }
  }

  private static List<String> namesIn(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(file -> file.getFileName().toString()).toList();
    }
  }
}
