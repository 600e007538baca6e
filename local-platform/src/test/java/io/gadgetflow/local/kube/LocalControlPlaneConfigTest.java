package io.gadgetflow.local.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalControlPlaneConfigTest {
  private static final Path HOME = Path.of("/home/ada");
  private static final ControlPlaneBinaries BINARIES =
      new ControlPlaneBinaries(Path.of("/opt/cp/etcd"), Path.of("/opt/cp/kube-apiserver"));

  @Test
  void aDirectoryHoldsTheKubeconfigUnlessItIsPutElsewhere() {
    LocalControlPlaneConfig config =
        LocalControlPlaneConfig.inDirectory(BINARIES, Path.of("/var/kube"));

    assertThat(config.kubeconfig()).isEqualTo(Path.of("/var/kube/kubeconfig"));
    assertThat(config.apiServerPort()).isEqualTo(6443);
    assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.withKubeconfig(Path.of("/home/ada/.kube/gadgetflow")).kubeconfig())
        .isEqualTo(Path.of("/home/ada/.kube/gadgetflow"));
  }

  @Test
  void relativePathsBecomeAbsolute() {
    LocalControlPlaneConfig config = LocalControlPlaneConfig.inDirectory(BINARIES, Path.of("kube"));

    assertThat(config.dataDir()).isAbsolute().endsWithRaw(Path.of("kube"));
    assertThat(config.kubeconfig()).isAbsolute().endsWithRaw(Path.of("kube", "kubeconfig"));
  }

  @Test
  void refusesPortsAndTimeoutsThatCannotWork() {
    LocalControlPlaneConfig config = LocalControlPlaneConfig.inDirectory(BINARIES, HOME);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> config.withApiServerPort(65536))
        .withMessage("apiServerPort must be 0 (any free port) to 65535, was 65536");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> config.withApiServerPort(-1))
        .withMessageContaining("was -1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> config.withStartTimeout(Duration.ZERO))
        .withMessage("startTimeout must be positive, was PT0S");
  }
}
