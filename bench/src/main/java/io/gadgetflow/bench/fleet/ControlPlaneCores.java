package io.gadgetflow.bench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Keeps cores for the control plane, as if it ran on machines of its own: the fleet's side (this
 * JVM with the agents and the web UI, and the brokers) goes into a cgroup whose CPU quota is the
 * machine's cores less the ones kept, and the control plane (the API server, etcd, the controller,
 * the bench's watch and the `kubectl gadget` runs: {@link ControlPlaneProcesses}) into a cgroup of
 * its own without a quota. On a busy machine the control plane then has at least the cores kept,
 * and more while the fleet uses less than its quota; the fleet never has more than its quota, even
 * when the control plane idles, as on separate machines. Unlike a nice value ({@link
 * ControlPlanePriority}) this does not starve the agents in favour of the control plane beyond the
 * split. cgroup v1's {@code cpu} controller, which needs root; processes are looked at again five
 * times a second, since plugin runs come and go (a new child starts in this JVM's cgroup, the
 * fleet's). Off unless asked ({@code FLEET_CONTROL_PLANE_CPUS}).
 */
final class ControlPlaneCores implements AutoCloseable {
  private static final Path CPU_CGROUPS = Path.of("/sys/fs/cgroup/cpu");
  private static final long PERIOD_MICROS = 100_000;

  private final Path parent;
  private final Path fleet;
  private final Path controlPlane;
  private final double fleetCores;
  private final Thread placer;

  private ControlPlaneCores(double keptCores) throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    if (!(keptCores > 0 && keptCores < cores)) {
      throw new IllegalArgumentException(
          "FLEET_CONTROL_PLANE_CPUS must be above 0 and below this machine's "
              + cores
              + " cores, not "
              + keptCores);
    }
    this.fleetCores = cores - keptCores;
    this.parent = CPU_CGROUPS.resolve("gadgetflow-fleet-" + ProcessHandle.current().pid());
    this.fleet = parent.resolve("fleet");
    this.controlPlane = parent.resolve("control-plane");
    Files.createDirectories(fleet);
    Files.createDirectories(controlPlane);
    Files.writeString(fleet.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_MICROS));
    Files.writeString(
        fleet.resolve("cpu.cfs_quota_us"), Long.toString(Math.round(fleetCores * PERIOD_MICROS)));
    place(ProcessHandle.current(), fleet);
    this.placer = Thread.ofPlatform().daemon().name("fleet-control-plane-cores").start(this::run);
  }

  /** Started when {@code keptCores} is given, else nothing (the as-is machine). */
  static Optional<ControlPlaneCores> start(Optional<Double> keptCores) throws IOException {
    return keptCores.isEmpty()
        ? Optional.empty()
        : Optional.of(new ControlPlaneCores(keptCores.get()));
  }

  static String describe(Optional<Double> keptCores) {
    return keptCores
        .map(
            kept ->
                "control plane's cores kept: API server, etcd, controller and kubectl gadget in a"
                    + " cgroup of their own, agents' JVM and brokers at most "
                    + (Runtime.getRuntime().availableProcessors() - kept)
                    + " cores (cgroup CPU quota)")
        .orElse("no cores kept for the control plane");
  }

  /** How long the fleet's side was held back by its quota so far, in seconds ({@code cpu.stat}). */
  double fleetThrottledSeconds() {
    try {
      for (String line : Files.readAllLines(fleet.resolve("cpu.stat"))) {
        if (line.startsWith("throttled_time ")) {
          return Long.parseLong(line.substring("throttled_time ".length()).strip()) / 1e9;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Read below as unknown.
    }
    return Double.NaN;
  }

  double fleetCores() {
    return fleetCores;
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      ProcessHandle.current()
          .descendants()
          .forEach(
              process ->
                  place(
                      process,
                      ControlPlaneProcesses.isControlPlane(process) ? controlPlane : fleet));
      try {
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Moves every thread of {@code process} into {@code group} unless it is there already. */
  private static void place(ProcessHandle process, Path group) {
    try {
      String name = CPU_CGROUPS.relativize(group).toString();
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/cgroup"))) {
        // hierarchy-id:controllers:path; the cpu controller's may be mounted with cpuacct.
        String[] fields = line.split(":", 3);
        if (fields.length == 3
            && java.util.List.of(fields[1].split(",")).contains("cpu")
            && fields[2].equals("/" + name)) {
          return;
        }
      }
      Files.writeString(group.resolve("cgroup.procs"), Long.toString(process.pid()));
    } catch (IOException | RuntimeException e) {
      // The process ended.
    }
  }

  /** Puts what is left back into the machine's cgroup and removes the fleet's. */
  @Override
  public void close() {
    placer.interrupt();
    try {
      placer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Path group : new Path[] {fleet, controlPlane}) {
      try {
        for (String pid : Files.readAllLines(group.resolve("cgroup.procs"))) {
          try {
            Files.writeString(CPU_CGROUPS.resolve("cgroup.procs"), pid);
          } catch (IOException e) {
            // It ended meanwhile.
          }
        }
        Files.delete(group);
      } catch (IOException e) {
        System.out.printf("fleet: could not remove cgroup %s: %s%n", group, e);
      }
    }
    try {
      Files.delete(parent);
    } catch (IOException e) {
      System.out.printf("fleet: could not remove cgroup %s: %s%n", parent, e);
    }
  }
}
