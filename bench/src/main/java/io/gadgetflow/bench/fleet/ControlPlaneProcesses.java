package io.gadgetflow.bench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which of this JVM's child processes are the control plane: the API server, etcd, the controller,
 * the bench's watch and the `kubectl gadget` runs, which on a cluster run on machines of their own
 * (and on their user's), not beside the nodes' agents and the brokers.
 */
final class ControlPlaneProcesses {
  /** The control plane's programs, by their executable's name. */
  private static final List<String> PROGRAMS = List.of("kube-apiserver", "etcd");

  /** The control plane's JVMs, by their main class. */
  private static final List<String> MAIN_CLASSES =
      List.of(
          FleetController.class.getName(),
          FleetWatch.class.getName(),
          "io.gadgetflow.kubectl.KubectlGadgetCommand");

  private ControlPlaneProcesses() {}

  static boolean isControlPlane(ProcessHandle process) {
    String program = Path.of(process.info().command().orElse("/")).getFileName() + "";
    return PROGRAMS.contains(program)
        || MAIN_CLASSES.stream().anyMatch(arguments(process)::contains);
  }

  /**
   * From proc(5)'s cmdline: {@code ProcessHandle.Info#arguments} came back empty for the
   * controller's JVM, whose class path is long.
   */
  private static List<String> arguments(ProcessHandle process) {
    try {
      String cmdline = Files.readString(Path.of("/proc/" + process.pid() + "/cmdline"));
      return List.of(cmdline.split("\0"));
    } catch (IOException | RuntimeException e) {
      return List.of(); // the process ended
    }
  }
}
