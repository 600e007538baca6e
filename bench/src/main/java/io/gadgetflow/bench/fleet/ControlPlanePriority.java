package io.gadgetflow.bench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Gives the control plane the CPU first, as in a cluster, where the API server, etcd and the
 * controller do not share their cores with the nodes' agents and the brokers (and `kubectl gadget`
 * runs on its user's machine): every thread of this JVM's child processes that are the API server,
 * etcd, the controller or a `kubectl gadget` run gets the nice value asked (e.g. -10: CFS then
 * weighs each of their threads about nine times a thread at 0), while the agents (this JVM), the
 * brokers and the web UI keep theirs. Looked at again every second, since threads come and go.
 * Needs root for a negative value. Off unless asked ({@code FLEET_CONTROL_PLANE_NICE}): the as-is
 * figures are of one machine shared by all.
 */
final class ControlPlanePriority implements AutoCloseable {
  private final int nice;
  private final Thread renicer;

  private ControlPlanePriority(int nice) {
    this.nice = nice;
    this.renicer =
        Thread.ofPlatform().daemon().name("fleet-control-plane-priority").start(this::renice);
  }

  /** Started when {@code nice} is given, else nothing (the as-is machine). */
  static Optional<ControlPlanePriority> start(Optional<Integer> nice) {
    return nice.map(ControlPlanePriority::new);
  }

  static String describe(Optional<Integer> nice) {
    return nice.map(
            n ->
                "control plane first: API server, etcd, controller and kubectl gadget at nice "
                    + n
                    + ", agents' JVM, brokers and web UI at their own")
        .orElse("as-is: every process at its own priority");
  }

  private void renice() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        List<String> threads = new ArrayList<>();
        ProcessHandle.current()
            .descendants()
            .filter(ControlPlaneProcesses::isControlPlane)
            .forEach(process -> threads.addAll(threadsNotAt(process.pid())));
        if (!threads.isEmpty()) {
          List<String> command =
              new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
          command.addAll(threads);
          Process renice = new ProcessBuilder(command).redirectErrorStream(true).start();
          String output = new String(renice.getInputStream().readAllBytes());
          // A thread that ended since it was listed fails alone ("No such process"); a refusal
          // fails them all, and for good.
          if (renice.waitFor() != 0 && output.contains("Permission denied")) {
            System.out.printf(
                "fleet: renice refused (%s): the figures are as-is%n", output.strip());
            return;
          }
        }
        TimeUnit.SECONDS.sleep(1);
      } catch (IOException e) {
        System.out.printf("fleet: renice failed (%s): the figures are as-is%n", e);
        return;
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The thread ids of {@code pid} whose nice value is not the one asked yet. */
  private List<String> threadsNotAt(long pid) {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      return tasks
          .filter(task -> niceOf(task) != nice)
          .map(task -> task.getFileName().toString())
          .toList();
    } catch (IOException e) {
      return List.of(); // the process ended
    }
  }

  /** Field 19 of proc(5)'s stat, after the command's parenthesis; nice itself when unreadable. */
  private int niceOf(Path task) {
    try {
      String stat = Files.readString(task.resolve("stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(fields[16]);
    } catch (IOException | RuntimeException e) {
      return nice;
    }
  }

  @Override
  public void close() {
    renicer.interrupt();
  }
}
