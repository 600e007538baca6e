package io.gadgetflow.node.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.node.containers.KubeletSandbox.Layout;
import io.gadgetflow.node.containers.KubeletSandbox.PodContainer;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.MountNamespaceFilter;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.trace.exec.ExecGadget;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKubernetes;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Filtering happens in the kernel: with a filter on an idle pod, the exec gadget's BPF program puts
 * nothing in its ring for a flood of host execs. Counted at the source, the ring's producer
 * position, which moves with every record the program reserves, read or not.
 */
@WithKubernetes
class InKernelFilterIT {
  static final int HOST_EXECS = 2000;

  /** The smallest record an exec makes: its header, a filename, the ring's 8-byte header. */
  static final int MIN_EXEC_RECORD_BYTES = 56 + 10 + 8;

  /** Nobody reads the unfiltered ring: room for the flood and whatever else the machine execs. */
  static final int UNFILTERED_RING_BYTES = 16 << 20;

  @Test
  void aFloodOfHostExecsPutsNoRecordInTheRingOfATraceFilteredOnAnIdlePod(KubernetesCluster cluster)
      throws Exception {
    String node = "in-kernel-it-" + UUID.randomUUID().toString().substring(0, 8);
    String namespace = cluster.createNamespace("in-kernel");
    KubernetesClient client = cluster.client();
    ContainerFilter onIdlePod = ContainerFilter.of(new TraceFilter(namespace, "idle", null, null));
    try (KubeletSandbox kubelet = new KubeletSandbox(client, node);
        ContainerRegistry registry =
            ContainerRegistry.start(ProcessScanner.ofThisMachine(), Duration.ofSeconds(30));
        NodePods pods = NodePods.start(client, node, registry)) {
      PodContainer idle =
          kubelet.startPod(namespace, "idle", Map.of(), "main", Layout.V2_SYSTEMD_CRIO);
      awaitLocated(registry, onIdlePod);
      GadgetOptions filtered =
          registry.gadgetOptions(new TraceFilter(namespace, "idle", null, null));
      assertThat(filtered.mountNamespaceIds()).containsExactly(idle.mountNamespaceId());

      try (RunningGadget onIdle =
              RunningGadget.start(ExecGadget.PROGRAM, GadgetOptions.filtered(Set.of()));
          RunningGadget everything =
              RunningGadget.start(
                  ExecGadget.PROGRAM,
                  GadgetOptions.unfiltered().withRingBufferBytes(UNFILTERED_RING_BYTES));
          ContainerSelection selection = follow(registry, onIdlePod, onIdle)) {
        long filteredBefore = onIdle.events().producerPosition();
        long unfilteredBefore = everything.events().producerPosition();

        Process flood =
            new ProcessBuilder(
                    "sh",
                    "-c",
                    "i=0; while [ $i -lt " + HOST_EXECS + " ]; do /bin/true; i=$((i+1)); done")
                .start();
        assertThat(flood.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(everything.events().producerPosition() - unfilteredBefore)
            .as("bytes the unfiltered program put in its ring")
            .isGreaterThanOrEqualTo((long) HOST_EXECS * MIN_EXEC_RECORD_BYTES);
        assertThat(onIdle.events().producerPosition())
            .as("bytes the program filtered on the idle pod put in its ring")
            .isEqualTo(filteredBefore);
        assertThat(onIdle.lostEvents()).isZero();

        // The filter is not just closed: the pod's own exec does go into the ring.
        idle.run("/bin/true");
        assertThat(onIdle.events().producerPosition()).isGreaterThan(filteredBefore);
        assertThat(selection.selected()).containsExactly(idle.mountNamespaceId());
      }
    }
  }

  private static ContainerSelection follow(
      ContainerRegistry registry, ContainerFilter filter, RunningGadget gadget) {
    MountNamespaceFilter map = gadget.mountNamespaceFilter();
    return registry.follow(filter, map::select, map::deselect);
  }

  private static void awaitLocated(ContainerRegistry registry, ContainerFilter filter)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (registry.mountNamespacesMatching(filter).isEmpty()) {
      assertThat(System.nanoTime() - deadline).as("the idle pod located in time").isNegative();
      Thread.sleep(20);
    }
  }
}
