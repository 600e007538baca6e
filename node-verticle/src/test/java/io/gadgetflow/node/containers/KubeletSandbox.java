package io.gadgetflow.node.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.node.bpf.Namespaces;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Does what kubelet and a container runtime do, for real but without either: a pod created through
 * the API server, a cgroup of kubelet's shape for it, a process in that cgroup and in a mount
 * namespace of its own ({@code unshare --mount}), and the pod's status saying the container runs
 * with the runtime's id. The "container" is a shell that runs the commands it is given.
 */
final class KubeletSandbox implements AutoCloseable {
  private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Where kubelet and the runtime put a container's cgroup. */
  enum Layout {
    /** cgroup v1 (a controller's hierarchy), cgroupfs driver, containerd. */
    V1_CGROUPFS_CONTAINERD("containerd"),
    /** cgroup v2, systemd driver, CRI-O. */
    V2_SYSTEMD_CRIO("cri-o"),
    /** cgroup v1 (systemd's named hierarchy), systemd driver, docker. */
    V1_SYSTEMD_DOCKER("docker");

    final String runtime;

    Layout(String runtime) {
      this.runtime = runtime;
    }

    Path containerCgroup(String podUid, String containerId) {
      String slicePodUid = podUid.replace('-', '_');
      return switch (this) {
        case V1_CGROUPFS_CONTAINERD ->
            v1Hierarchy("pids").resolve("kubepods/burstable/pod" + podUid).resolve(containerId);
        case V2_SYSTEMD_CRIO ->
            v2Hierarchy()
                .resolve("kubepods.slice/kubepods-besteffort.slice")
                .resolve("kubepods-besteffort-pod" + slicePodUid + ".slice")
                .resolve("crio-" + containerId + ".scope");
        case V1_SYSTEMD_DOCKER ->
            v1Hierarchy("systemd")
                .resolve("kubepods.slice/kubepods-pod" + slicePodUid + ".slice")
                .resolve("docker-" + containerId + ".scope");
      };
    }

    /** A pure cgroup v2 machine has no v1 hierarchy: the same path shapes then go to v2. */
    private static Path v1Hierarchy(String name) {
      Path hierarchy = CGROUP_ROOT.resolve(name);
      return Files.isDirectory(hierarchy) ? hierarchy : v2Hierarchy();
    }

    private static Path v2Hierarchy() {
      Path hybrid = CGROUP_ROOT.resolve("unified");
      return Files.exists(hybrid.resolve("cgroup.procs")) ? hybrid : CGROUP_ROOT;
    }
  }

  /** One running "container" of a pod. */
  final class PodContainer {
    final String namespace;
    final String pod;
    final String name;
    final String id;
    final Layout layout;
    final Path cgroup;
    private final Process shell;
    private final Writer commands;
    private final BufferedReader output;
    private int commandsRun;

    private PodContainer(
        String namespace,
        String pod,
        String name,
        String id,
        Layout layout,
        Path cgroup,
        boolean ownNetwork)
        throws IOException {
      this.namespace = namespace;
      this.pod = pod;
      this.name = name;
      this.id = id;
      this.layout = layout;
      this.cgroup = cgroup;
      this.shell =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  "echo $$ > \"$1\" && exec unshare --mount $2 --propagation private sh",
                  "container",
                  cgroup.resolve("cgroup.procs").toString(),
                  ownNetwork ? "--net" : "")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      this.commands = new OutputStreamWriter(shell.getOutputStream(), StandardCharsets.UTF_8);
      this.output =
          new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8));
      run(":"); // returns once the shell in the new mount namespace reads commands
      if (ownNetwork) {
        run("ip link set lo up");
      }
    }

    /** Runs a command line inside the container and waits for it to finish. */
    void run(String commandLine) throws IOException {
      String done = "gadgetflow-done-" + ++commandsRun;
      commands.write(commandLine + "; echo " + done + "\n");
      commands.flush();
      String line;
      while ((line = output.readLine()) != null) {
        if (line.equals(done)) {
          return;
        }
      }
      throw new IOException("the container " + name + " of " + pod + " exited");
    }

    long pid() {
      return shell.pid();
    }

    long mountNamespaceId() throws IOException {
      return ProcessScanner.mountNamespaceOf(Path.of("/proc/" + shell.pid()));
    }

    long netNamespaceId() throws IOException {
      return Namespaces.idOf(Path.of("/proc/" + shell.pid()), Namespaces.NETWORK);
    }

    /** Its status says terminated, as kubelet's would; the process is left to the caller. */
    void markTerminated() {
      client
          .pods()
          .inNamespace(namespace)
          .withName(pod)
          .editStatus(
              current ->
                  new PodBuilder(current)
                      .editStatus()
                      .withContainerStatuses(
                          new ContainerStatusBuilder()
                              .withName(name)
                              .withImage("gadgetflow/test")
                              .withImageID("")
                              .withReady(false)
                              .withRestartCount(0)
                              .withContainerID(layout.runtime + "://" + id)
                              .withNewState()
                              .withNewTerminated()
                              .withExitCode(0)
                              .endTerminated()
                              .endState()
                              .build())
                      .endStatus()
                      .build());
    }

    /** As a runtime stops a container: every process in its cgroup, the shell's children too. */
    private void destroy() throws InterruptedException, IOException {
      shell.destroyForcibly();
      shell.waitFor(30, TimeUnit.SECONDS);
      for (String pid : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private final KubernetesClient client;
  private final String nodeName;
  private final List<PodContainer> containers = new ArrayList<>();
  private final List<Path> cgroups = new ArrayList<>();

  KubeletSandbox(KubernetesClient client, String nodeName) {
    this.client = client;
    this.nodeName = nodeName;
  }

  /** Creates the pod, its cgroup and its running container, and reports the container running. */
  PodContainer startPod(
      String namespace, String pod, Map<String, String> labels, String containerName, Layout layout)
      throws IOException {
    return startPod(namespace, pod, labels, containerName, layout, false);
  }

  /**
   * As {@link #startPod(String, String, Map, String, Layout)}; with {@code ownNetwork} the
   * container has a network namespace of its own, as a pod without {@code hostNetwork} has, with
   * its loopback up.
   */
  PodContainer startPod(
      String namespace,
      String pod,
      Map<String, String> labels,
      String containerName,
      Layout layout,
      boolean ownNetwork)
      throws IOException {
    Pod created =
        client
            .pods()
            .inNamespace(namespace)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(pod)
                    .withLabels(labels)
                    .endMetadata()
                    .withNewSpec()
                    .withNodeName(nodeName)
                    .addNewContainer()
                    .withName(containerName)
                    .withImage("gadgetflow/test")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    String id = HexFormat.of().formatHex(RANDOM.generateSeed(32));
    Path cgroup = layout.containerCgroup(created.getMetadata().getUid(), id);
    for (Path dir = cgroup; !Files.exists(dir); dir = dir.getParent()) {
      cgroups.add(dir);
    }
    Files.createDirectories(cgroup);
    PodContainer container =
        new PodContainer(namespace, pod, containerName, id, layout, cgroup, ownNetwork);
    containers.add(container);
    client
        .pods()
        .inNamespace(namespace)
        .withName(pod)
        .editStatus(
            current ->
                new PodBuilder(current)
                    .withNewStatus()
                    .withPhase("Running")
                    .addNewContainerStatus()
                    .withName(containerName)
                    .withImage("gadgetflow/test")
                    .withImageID("")
                    .withReady(true)
                    .withRestartCount(0)
                    .withContainerID(layout.runtime + "://" + id)
                    .withNewState()
                    .withNewRunning()
                    .endRunning()
                    .endState()
                    .endContainerStatus()
                    .endStatus()
                    .build());
    return container;
  }

  /**
   * Kills the containers' processes and removes the cgroups it made; pods go with their namespace.
   */
  @Override
  public void close() throws Exception {
    for (PodContainer container : containers) {
      container.destroy();
    }
    cgroups.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path cgroup : cgroups) {
      // A cgroup can be removed once its last process is gone, which the kernel notes a bit later.
      for (int attempt = 0; Files.exists(cgroup); attempt++) {
        try {
          Files.delete(cgroup);
        } catch (IOException busy) {
          assertThat(attempt).as("attempts to remove " + cgroup).isLessThan(100);
          Thread.sleep(50);
        }
      }
    }
  }
}
