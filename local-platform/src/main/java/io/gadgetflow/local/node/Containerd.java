package io.gadgetflow.local.node;

import io.gadgetflow.local.kube.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's containerd (Debian's), with its own configuration ({@link ContainerdConfig}), driven
 * by the kubelet through CRI and, for importing images and clearing containers away, by {@code
 * ctr}. Kubernetes' containers live in containerd's namespace {@code k8s.io}.
 */
final class Containerd implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Containerd.class);
  private static final String NAMESPACE = "k8s.io";

  /** containerd answers within milliseconds once its socket is there. */
  private static final Duration READINESS_RECHECK_PAUSE = Duration.ofMillis(100);

  /** Every image of the archive is named below this ({@code k8s/images/build.sh}). */
  private static final String IMAGE_PREFIX = "docker.io/gadgetflow";

  /** Names the archive last imported into the image store, so the next run can skip it. */
  private static final String IMPORTED_MARKER = "imported-archive";

  private final ContainerdConfig config;
  private final ServerProcess process;

  private Containerd(ContainerdConfig config, ServerProcess process) {
    this.config = config;
    this.process = process;
  }

  /**
   * Writes the configuration to {@code configFile}, starts containerd and returns once it answers.
   */
  static Containerd start(
      ContainerdConfig config, Path configFile, Path logFile, Duration timeout) {
    try {
      Files.createDirectories(config.state());
      Files.createDirectories(config.root());
      Files.writeString(configFile, config.toml());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write containerd's configuration " + configFile, e);
    }
    ServerProcess process =
        ServerProcess.start(
            "containerd", List.of("containerd", "--config", configFile.toString()), logFile);
    Containerd containerd = new Containerd(config, process);
    try {
      containerd.awaitReady(timeout);
      return containerd;
    } catch (RuntimeException e) {
      process.kill();
      throw e;
    }
  }

  Path socket() {
    return config.socket();
  }

  void requireRunning() {
    process.requireRunning();
  }

  /**
   * Imports the OCI archive's images (they become usable by pods at once), unless the image store
   * holds this very archive already.
   */
  void importImages(Path archive) {
    Path marker = config.root().resolve(IMPORTED_MARKER);
    String archiveName = archive.getFileName().toString();
    try {
      if (Files.isRegularFile(marker) && Files.readString(marker).strip().equals(archiveName)) {
        LOG.info("Images of {} are in containerd already", archiveName);
        return;
      }
      long start = System.nanoTime();
      try {
        ctr("images", "import", "--base-name", IMAGE_PREFIX, archive.toString());
      } catch (NodeStartException e) {
        // containerd 1.6 may collect a snapshot of the previous images (unreferenced once their
        // names point at the new ones) while the import unpacks on it: "parent snapshot ... does
        // not exist". A second import finds the layers it unpacked and unpacks the rest.
        LOG.warn("Importing the images failed, once more: {}", e.getMessage());
        ctr("images", "import", "--base-name", IMAGE_PREFIX, archive.toString());
      }
      Files.writeString(marker, archiveName + "\n");
      LOG.info(
          "Imported the images of {} in {} ms",
          archive,
          Duration.ofNanos(System.nanoTime() - start).toMillis());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or write " + marker, e);
    }
  }

  /**
   * Stops every container and pod sandbox, asking first (SIGTERM) and killing what still runs after
   * {@code gracePeriod}, then deletes them with their snapshots.
   *
   * @return the ids of the containers and sandboxes that were there
   */
  List<String> removeAllContainers(Duration gracePeriod) {
    List<String> containers = ctr("containers", "list", "--quiet").lines().toList();
    signalRunning("SIGTERM");
    if (!awaitNoneRunning(gracePeriod)) {
      signalRunning("SIGKILL");
      awaitNoneRunning(gracePeriod);
    }
    // containerd's CRI plugin deletes the tasks of containers that exit by itself, so a task
    // listed a moment ago may be gone.
    for (String task : tasks().stream().map(Task::id).toList()) {
      ctrAttempt("tasks", "delete", "--force", task);
    }
    for (String container : containers) {
      ctrAttempt("containers", "delete", container);
    }
    return containers;
  }

  /** Stops containerd; the shims of tasks still running keep them running. */
  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
  }

  private record Task(String id, String status) {}

  private List<Task> tasks() {
    // TASK  PID  STATUS, one line per task after the header.
    return ctr("tasks", "list")
        .lines()
        .skip(1)
        .map(line -> line.trim().split("\\s+"))
        .filter(fields -> fields.length >= 3)
        .map(fields -> new Task(fields[0], fields[2]))
        .toList();
  }

  private void signalRunning(String signal) {
    for (Task task : tasks()) {
      if (task.status().equals("RUNNING")) {
        ctrAttempt("tasks", "kill", "--signal", signal, task.id());
      }
    }
  }

  private boolean awaitNoneRunning(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (tasks().stream().anyMatch(task -> task.status().equals("RUNNING"))) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      pause();
    }
    return true;
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      process.requireRunning();
      if (Files.exists(socket()) && HostCommand.attempt(command("version")).exitCode() == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new NodeStartException(
            "containerd did not answer on " + socket() + " within " + timeout);
      }
      pause();
    }
  }

  private String ctr(String... arguments) {
    return HostCommand.run(command(arguments));
  }

  private void ctrAttempt(String... arguments) {
    HostCommand.Result result = HostCommand.attempt(command(arguments));
    if (result.exitCode() != 0) {
      LOG.warn("ctr {} failed: {}", String.join(" ", arguments), result.error().strip());
    }
  }

  private List<String> command(String... arguments) {
    List<String> command = new ArrayList<>(List.of("ctr", "--address", socket().toString()));
    command.addAll(List.of("--namespace", NAMESPACE));
    command.addAll(Stream.of(arguments).toList());
    return command;
  }

  private static void pause() {
    try {
      Thread.sleep(READINESS_RECHECK_PAUSE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeStartException("Interrupted while waiting for containerd", e);
    }
  }
}
