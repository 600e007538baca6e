package io.gadgetflow.local.kube;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The etcd and kube-apiserver programs that {@code k8s/control-plane/build.sh} builds from their Go
 * modules. Nothing here downloads them: the build script runs first (the {@code gadgetflow} script
 * does it) and names its output folder in {@value #ENVIRONMENT_VARIABLE}.
 *
 * @param etcd the etcd server program
 * @param kubeApiServer the kube-apiserver program
 */
public record ControlPlaneBinaries(Path etcd, Path kubeApiServer) {
  /** Names the folder that holds the programs, as printed by the build script. */
  public static final String ENVIRONMENT_VARIABLE = "GADGETFLOW_CONTROL_PLANE_BIN";

  private static final String BUILD_SCRIPT = "k8s/control-plane/build.sh";

  /**
   * The programs in {@code directory}.
   *
   * @throws ControlPlaneStartException when either is missing or not executable
   */
  public static ControlPlaneBinaries in(Path directory) {
    return new ControlPlaneBinaries(
        executable(directory, "etcd"), executable(directory, "kube-apiserver"));
  }

  /**
   * The programs in the folder named by {@value #ENVIRONMENT_VARIABLE}.
   *
   * @throws ControlPlaneStartException when the variable is unset or the folder lacks a program
   */
  public static ControlPlaneBinaries fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static ControlPlaneBinaries fromEnvironment(Map<String, String> environment) {
    return in(directoryFromEnvironment(environment));
  }

  /**
   * The folder named by {@value #ENVIRONMENT_VARIABLE}.
   *
   * @throws ControlPlaneStartException when the variable is unset
   */
  static Path directoryFromEnvironment(Map<String, String> environment) {
    String directory = environment.get(ENVIRONMENT_VARIABLE);
    if (directory == null || directory.isBlank()) {
      throw new ControlPlaneStartException(
          ENVIRONMENT_VARIABLE
              + " is not set; it names the folder with etcd and kube-apiserver: run "
              + BUILD_SCRIPT
              + " (./gadgetflow does it and sets the variable) and export "
              + ENVIRONMENT_VARIABLE
              + "=\"$("
              + BUILD_SCRIPT
              + " | tail -n 1)\"");
    }
    return Path.of(directory);
  }

  /**
   * {@code directory/name}, absolute.
   *
   * @throws ControlPlaneStartException naming the build script when it is missing or not executable
   */
  static Path executable(Path directory, String name) {
    Path program = directory.resolve(name).toAbsolutePath();
    if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
      throw new ControlPlaneStartException(
          "No executable "
              + program
              + ": "
              + ENVIRONMENT_VARIABLE
              + " must name the folder that "
              + BUILD_SCRIPT
              + " prints as its last line; run that script (./gadgetflow does, and `"
              + BUILD_SCRIPT
              + " "
              + name
              + "` builds this program alone) and set "
              + ENVIRONMENT_VARIABLE
              + " to its output");
    }
    return program;
  }
}
