package io.gadgetflow.local.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneBinariesTest {
  @TempDir Path folder;

  @Test
  void findsBothProgramsInTheFolderTheVariableNames() throws IOException {
    executable("etcd");
    executable("kube-apiserver");

    ControlPlaneBinaries binaries =
        ControlPlaneBinaries.fromEnvironment(
            Map.of("GADGETFLOW_CONTROL_PLANE_BIN", folder.toString()));

    assertThat(binaries.etcd()).isEqualTo(folder.resolve("etcd"));
    assertThat(binaries.kubeApiServer()).isEqualTo(folder.resolve("kube-apiserver"));
  }

  @Test
  void anUnsetVariableIsNamedWithTheScriptThatSetsItUp() {
    assertThatExceptionOfType(ControlPlaneStartException.class)
        .isThrownBy(() -> ControlPlaneBinaries.fromEnvironment(Map.of()))
        .withMessageStartingWith("GADGETFLOW_CONTROL_PLANE_BIN is not set")
        .withMessageContaining("k8s/control-plane/build.sh");
  }

  @Test
  void aMissingOrNotExecutableProgramIsNamed() throws IOException {
    executable("etcd");
    Files.createFile(folder.resolve("kube-apiserver"));

    assertThatExceptionOfType(ControlPlaneStartException.class)
        .isThrownBy(() -> ControlPlaneBinaries.in(folder))
        .withMessageStartingWith("No executable " + folder.resolve("kube-apiserver"))
        .withMessageContaining("GADGETFLOW_CONTROL_PLANE_BIN")
        .withMessageContaining("k8s/control-plane/build.sh");
    assertThatExceptionOfType(ControlPlaneStartException.class)
        .isThrownBy(() -> ControlPlaneBinaries.in(folder.resolve("absent")))
        .withMessageStartingWith("No executable " + folder.resolve("absent/etcd"));
  }

  private void executable(String name) throws IOException {
    Files.createFile(
        folder.resolve(name),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }
}
