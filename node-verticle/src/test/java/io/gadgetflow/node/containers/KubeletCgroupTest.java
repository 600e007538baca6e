package io.gadgetflow.node.containers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KubeletCgroupTest {
  static final String ID = "4f7e2a9c0b1d3e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f";
  static final String UID = "0c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8";
  static final String UID_SYSTEMD = "0c1a2b3c_4d5e_6f70_8192_a3b4c5d6e7f8";

  @ParameterizedTest
  @ValueSource(
      strings = {
        // cgroup v2, cgroupfs driver
        "0::/kubepods/burstable/pod" + UID + "/" + ID,
        "0::/kubepods/besteffort/pod" + UID + "/" + ID,
        "0::/kubepods/pod" + UID + "/" + ID,
        "0::/kubepods/burstable/pod" + UID + "/crio-" + ID,
        // cgroup v2, systemd driver
        "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
            + UID_SYSTEMD
            + ".slice/cri-containerd-"
            + ID
            + ".scope",
        "0::/kubepods.slice/kubepods-pod" + UID_SYSTEMD + ".slice/crio-" + ID + ".scope",
        "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
            + UID_SYSTEMD
            + ".slice/docker-"
            + ID
            + ".scope",
        // kind: kubelet's slices nested in a slice of their own
        "0::/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
            + "kubelet-kubepods-besteffort-pod"
            + UID_SYSTEMD
            + ".slice/cri-containerd-"
            + ID
            + ".scope",
        // seen from inside a cgroup namespace
        "0::/../../kubepods/burstable/pod" + UID + "/" + ID,
        // a process in a cgroup below its container's
        "0::/kubepods/burstable/pod" + UID + "/" + ID + "/init.scope",
      })
  void findsTheContainerOnTheUnifiedLine(String procCgroup) {
    assertThat(KubeletCgroup.containerIdOf(procCgroup)).contains(ID);
  }

  @Test
  void findsTheContainerOnAControllerLineOfCgroupV1WithCgroupfs() {
    String procCgroup =
        """
        12:memory:/kubepods/burstable/pod%1$s/%2$s
        11:pids:/kubepods/burstable/pod%1$s/%2$s
        1:name=systemd:/kubepods/burstable/pod%1$s/%2$s
        0::/
        """
            .formatted(UID, ID);

    assertThat(KubeletCgroup.containerIdOf(procCgroup)).contains(ID);
  }

  @Test
  void findsTheContainerOnAControllerLineOfCgroupV1WithSystemd() {
    String procCgroup =
        """
        9:name=systemd:/
        8:pids:/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%1$s.slice/cri-containerd-%2$s.scope
        4:memory:/process_api/7d4c4b9393dc149a34c8c850fb88c74f
        0::/
        """
            .formatted(UID_SYSTEMD, ID);

    assertThat(KubeletCgroup.containerIdOf(procCgroup)).contains(ID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0::/",
        "0::/system.slice/containerd.service",
        "0::/user.slice/user-0.slice/session-1.scope",
        // the pod's own cgroup (its pause process is not a container of the pod's spec)
        "0::/kubepods/burstable/pod" + UID,
        // CRI-O's monitor process beside the container
        "0::/kubepods.slice/kubepods-pod" + UID_SYSTEMD + ".slice/crio-conmon-" + ID + ".scope",
        // a 64-hex-digit name outside any pod
        "0::/docker/" + ID,
        "4:memory:/process_api/7d4c4b9393dc149a34c8c850fb88c74f",
        "",
      })
  void findsNoContainerOutsideAPod(String procCgroup) {
    assertThat(KubeletCgroup.containerIdOf(procCgroup)).isEmpty();
  }
}
