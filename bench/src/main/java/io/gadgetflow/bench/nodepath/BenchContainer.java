package io.gadgetflow.bench.nodepath;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
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
 * A pod's container without a container runtime: a cgroup of kubelet's shape (cgroup v2, systemd
 * driver, containerd), a process in it in a mount namespace of its own, and a registry that knows
 * it from a pod status as the informer would hand it over. A workload that joins that mount
 * namespace ({@link #nsenter()}) makes every event a known container's: bench/nodepath's generator
 * with enrichment on, bench/peers' flooder and quiet workload. Public for bench/peers.
 */
public final class BenchContainer implements AutoCloseable {
  private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
  private static final Duration LOCATE_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;

  /** Null unless this container made its registry, and closes it. */
  private final ContainerRegistry ownRegistry;

  private final List<Path> cgroups;

  private BenchContainer(Process process, ContainerRegistry ownRegistry, List<Path> cgroups) {
    this.process = process;
    this.ownRegistry = ownRegistry;
    this.cgroups = cgroups;
  }

  /** A container of pod {@code bench/generator}, known to a registry of its own. */
  static BenchContainer start() throws IOException, InterruptedException {
    ContainerRegistry registry = newRegistry();
    try {
      return start(registry, registry, "generator");
    } catch (IOException | InterruptedException | RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** A registry of this machine's processes, which follows no API server: pods are handed in. */
  public static ContainerRegistry newRegistry() {
    return ContainerRegistry.start(ProcessScanner.ofThisMachine(), Duration.ofSeconds(30));
  }

  /** The container of pod {@code bench/<podName>}, made known to {@code registry}. */
  public static BenchContainer start(ContainerRegistry registry, String podName)
      throws IOException, InterruptedException {
    return start(registry, null, podName);
  }

  private static BenchContainer start(
      ContainerRegistry registry, ContainerRegistry ownRegistry, String podName)
      throws IOException, InterruptedException {
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
    BenchContainer container = new BenchContainer(process, ownRegistry, created);
    registry.podChanged(pod(podUid, podName, id));
    long deadline = System.nanoTime() + LOCATE_TIMEOUT.toNanos();
    while (registry.containers().stream().noneMatch(c -> c.located() && c.pod().equals(podName))) {
      if (System.nanoTime() - deadline > 0) {
        container.close();
        throw new IllegalStateException("the generator's container was not located");
      }
      Thread.sleep(50);
    }
    return container;
  }

  ContainerRegistry registry() {
    return ownRegistry;
  }

  /** The command prefix that runs a program in this container's mount namespace. */
  public List<String> nsenter() {
    return List.of("nsenter", "--target", Long.toString(process.pid()), "--mount", "--");
  }

  private static Pod pod(String uid, String podName, String id) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("bench")
        .withName(podName)
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
    if (ownRegistry != null) {
      ownRegistry.close();
    }
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
