package io.gadgetflow.local.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountsTest {
  @Test
  void aLineOfMountinfoGivesItsMountPointAndType() {
    Mounts.Mount mount =
        Mounts.parse(
            "44 25 0:40 / /sys/fs/cgroup/memory rw,nosuid shared:21 - cgroup cgroup rw,memory");

    assertThat(mount.mountPoint()).isEqualTo(Path.of("/sys/fs/cgroup/memory"));
    assertThat(mount.type()).isEqualTo("cgroup");
  }

  @Test
  void optionalFieldsOfAnyNumberAndEscapedSpacesAreRead() {
    Mounts.Mount mount =
        Mounts.parse(
            "310 29 0:55 / /data/my\\040pods/volume rw,relatime shared:1 master:2 - tmpfs tmpfs"
                + " rw,size=65536k");

    assertThat(mount.mountPoint()).isEqualTo(Path.of("/data/my pods/volume"));
    assertThat(mount.type()).isEqualTo("tmpfs");
  }
}
