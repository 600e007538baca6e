package io.gadgetflow.local.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ContainerdConfigTest {
  private final ContainerdConfig config =
      new ContainerdConfig(
          Path.of("/cache/containerd"),
          Path.of("/data/node/containerd"),
          "docker.io/gadgetflow/pause:catatonit",
          Path.of("/data/node/cni/net.d"));

  @Test
  void everythingContainerdWritesIsBelowTheNodesFolders() {
    assertThat(config.toml())
        .contains("root = \"/cache/containerd\"")
        .contains("state = \"/data/node/containerd\"")
        .contains("address = \"/data/node/containerd/containerd.sock\"")
        .contains("Root = \"/data/node/containerd/runc\"")
        .contains("netns_mounts_under_state_dir = true")
        .contains("conf_dir = \"/data/node/cni/net.d\"")
        .doesNotContain("/var/lib/containerd", "/run/containerd", "/etc/containerd");
  }

  @Test
  void podsRunOnMachinesThatRefuseLoweringOomScores() {
    assertThat(config.toml())
        .contains("restrict_oom_score_adj = true")
        .contains("sandbox_image = \"docker.io/gadgetflow/pause:catatonit\"")
        .contains("SystemdCgroup = false");
  }
}
