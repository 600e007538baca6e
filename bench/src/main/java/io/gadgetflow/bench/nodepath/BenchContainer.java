package io.gadgetflow.bench.nodepath;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.gadgetflow.node.containers.Container;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.containers.ProcessScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The generator's container, for runs with enrichment on: a cgroup of kubelet's shape (cgroup v2,
 * systemd driver, containerd), a process in it in a mount namespace of its own, and a registry that
 * knows it from a pod status as the informer would hand it over. The generator's driver joins that
 * mount namespace (nsenter), so every event it makes is a known container's.
 */
final class BenchContainer implements AutoCloseable {
  private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
  private static final Duration LOCATE_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final ContainerRegistry registry;
  private final List<Path> cgroups;

  private BenchContainer(Process process, ContainerRegistry registry, List<Path> cgroups) {
    this.process = process;
    this.registry = registry;
    this.cgroups = cgroups;
  }

  static BenchContainer start() throws IOException, InterruptedException {
    String podUid = UUID.randomUUID().toString();
    String id = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
    Path hybrid = CGROUP_ROOT.resolve("unified");
    Path root = Files.exists(hybrid.resolve("cgroup.procs")) ? hybrid : CGROUP_ROOT;
    Path cgroup =
        root.resolve("kubepods.slice/kubepods-besteffort.slice")
            .resolve("kubepods-besteffort-pod" + podUid.replace('-', '_') + ".slice")
            .resolve("cri-containerd-" + id + ".scope");
    List<Path> created = new ArrayList<>();
    for (Path dir = cgroup; !Files.exists(dir); dir = dir.getParent()) {
      created.add(dir);
    }
    Files.createDirectories(cgroup);
    Process process =
        new ProcessBuilder(
                "sh",
                "-c",
                "echo $$ > \"$1\" && exec unshare --mount --propagation private sleep infinity",
                "container",
                cgroup.resolve("cgroup.procs").toString())
            .inheritIO()
            .start();
    ContainerRegistry registry =
        ContainerRegistry.start(ProcessScanner.ofThisMachine(), Duration.ofSeconds(30));
    BenchContainer container = new BenchContainer(process, registry, created);
    registry.podChanged(pod(podUid, id));
    long deadline = System.nanoTime() + LOCATE_TIMEOUT.toNanos();
    while (registry.containers().stream().noneMatch(Container::located)) {
      if (System.nanoTime() - deadline > 0) {
        container.close();
        throw new IllegalStateException("the generator's container was not located");
      }
      Thread.sleep(50);
    }
    return container;
  }

  ContainerRegistry registry() {
    return registry;
  }

  long pid() {
    return process.pid();
  }

  private static Pod pod(String uid, String id) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("bench")
        .withName("generator")
        .withUid(uid)
        .withLabels(Map.of("app", "generator"))
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("execgen")
        .withContainerID("containerd://" + id)
        .withNewState()
        .withNewRunning()
        .endRunning()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  /** Stops the process and removes its cgroups; an interrupt is kept for the caller. */
  @Override
  public void close() {
    registry.close();
    try {
      process.destroyForcibly().waitFor();
      cgroups.sort(Comparator.comparingInt(Path::getNameCount).reversed());
      for (Path cgroup : cgroups) {
        for (int attempt = 0; attempt < 100 && Files.exists(cgroup); attempt++) {
          try {
            Files.delete(cgroup);
          } catch (IOException busy) {
            Thread.sleep(50);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
