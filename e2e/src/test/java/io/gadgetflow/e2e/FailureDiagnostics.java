package io.gadgetflow.e2e;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test of the tier fails, prints what CI keeps of a run that is gone afterwards: each
 * GadgetFlow pod's state and restarts, who holds the controller's Lease, the last lines each pod
 * logged (and, after a restart, its previous container's), and the threads of each controller
 * replica: a Trace that hangs after its operation was taken is waiting in one of them.
 */
final class FailureDiagnostics implements TestWatcher {
  private static final String NAMESPACE = "gadget";
  private static final int LOG_LINES = 40;

  /** A controller's whole start, from its Lease to where it waits, is more than the last lines. */
  private static final int CONTROLLER_LOG_LINES = 300;

  private static final String CONTROLLER_POD = "gadgetflow-controller-";
  private static final String THREAD_DUMP_START = "Full thread dump";
  private static final Duration THREAD_DUMP_WAIT = Duration.ofSeconds(10);

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    ClusterExtension.startedCluster(context)
        .filter(cluster -> !cluster.stopped())
        .ifPresent(cluster -> print(context.getDisplayName(), cluster));
  }

  private static void print(String test, GadgetFlowCluster cluster) {
    KubernetesClient client = cluster.client();
    StringBuilder out = new StringBuilder("==== cluster at the failure of " + test + "\n");
    try {
      Lease lease = client.leases().inNamespace(NAMESPACE).withName("gadgetflow-controller").get();
      out.append("controller Lease held by ")
          .append(lease == null ? "nobody (no Lease)" : lease.getSpec().getHolderIdentity())
          .append(lease == null ? "" : ", renewed " + lease.getSpec().getRenewTime())
          .append('\n');
      for (Pod pod : client.pods().inNamespace(NAMESPACE).list().getItems()) {
        try {
          appendPod(client, pod, out);
          if (pod.getMetadata().getName().startsWith(CONTROLLER_POD)) {
            appendThreads(cluster, pod, out);
          }
        } catch (KubernetesClientException e) {
          out.append("   cannot read its log: ").append(e.getMessage()).append('\n');
        }
      }
    } catch (KubernetesClientException e) {
      out.append("cannot read the cluster: ").append(e.getMessage()).append('\n');
    }
    System.out.print(out.append("====\n"));
    System.out.flush();
  }

  private static void appendPod(KubernetesClient client, Pod pod, StringBuilder out) {
    String name = pod.getMetadata().getName();
    out.append("-- pod ").append(name).append(' ').append(pod.getStatus().getPhase());
    int restarts = 0;
    for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
      restarts += status.getRestartCount();
      out.append(", ready ").append(status.getReady()).append(", restarts ").append(restarts);
    }
    out.append('\n');
    var logs = client.pods().inNamespace(NAMESPACE).withName(name);
    int lines = name.startsWith(CONTROLLER_POD) ? CONTROLLER_LOG_LINES : LOG_LINES;
    if (restarts > 0) {
      out.append("   previous container:\n").append(logs.terminated().tailingLines(lines).getLog());
    }
    out.append(logs.tailingLines(lines).getLog());
  }

  /**
   * SIGQUIT makes the JVM, the container's first process, print its threads to its standard output
   * and go on running; they are read back from the container's log.
   */
  private static void appendThreads(GadgetFlowCluster cluster, Pod pod, StringBuilder out) {
    for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
      if (status.getContainerID() == null) {
        continue;
      }
      String containerId = status.getContainerID().replaceFirst("^[a-z]+://", "");
      NodeHost.run("kill", "-QUIT", Long.toString(NodeHost.containerPid(cluster, containerId)));
      var logs =
          cluster.client().pods().inNamespace(NAMESPACE).withName(pod.getMetadata().getName());
      long deadline = System.nanoTime() + THREAD_DUMP_WAIT.toNanos();
      String log = logs.getLog();
      while (!log.contains(THREAD_DUMP_START) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        log = logs.getLog();
      }
      int start = log.lastIndexOf(THREAD_DUMP_START);
      out.append("   threads:\n")
          .append(
              start < 0
                  ? "   (no thread dump within " + THREAD_DUMP_WAIT + ")\n"
                  : log.substring(start));
    }
  }
}
