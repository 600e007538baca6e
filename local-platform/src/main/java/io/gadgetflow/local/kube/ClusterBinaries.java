package io.gadgetflow.local.kube;

import java.nio.file.Path;
import java.util.Map;

/**
 * The programs a local cluster runs beside etcd and kube-apiserver, built by {@code
 * k8s/control-plane/build.sh} into the same folder ({@value
 * ControlPlaneBinaries#ENVIRONMENT_VARIABLE}).
 *
 * @param kubeControllerManager the kube-controller-manager program
 * @param kubeScheduler the kube-scheduler program
 * @param kubelet the kubelet program
 */
public record ClusterBinaries(Path kubeControllerManager, Path kubeScheduler, Path kubelet) {
  /**
   * The programs in {@code directory}.
   *
   * @throws ControlPlaneStartException when one is missing or not executable
   */
  public static ClusterBinaries in(Path directory) {
    return new ClusterBinaries(
        ControlPlaneBinaries.executable(directory, "kube-controller-manager"),
        ControlPlaneBinaries.executable(directory, "kube-scheduler"),
        ControlPlaneBinaries.executable(directory, "kubelet"));
  }

  /**
   * The programs in the folder named by {@value ControlPlaneBinaries#ENVIRONMENT_VARIABLE}.
   *
   * @throws ControlPlaneStartException when the variable is unset or the folder lacks a program
   */
  public static ClusterBinaries fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static ClusterBinaries fromEnvironment(Map<String, String> environment) {
    return in(ControlPlaneBinaries.directoryFromEnvironment(environment));
  }
}
