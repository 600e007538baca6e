package io.gadgetflow.e2e;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test of the tier fails, prints what CI keeps of a run that is gone afterwards: each
 * GadgetFlow pod's state and restarts, who holds the controller's Lease, and the last lines each
 * pod logged (and, after a restart, its previous container's).
 */
final class FailureDiagnostics implements TestWatcher {
  private static final String NAMESPACE = "gadget";
  private static final int LOG_LINES = 40;

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    ClusterExtension.startedCluster(context)
        .filter(cluster -> !cluster.stopped())
        .ifPresent(cluster -> print(context.getDisplayName(), cluster.client()));
  }

  private static void print(String test, KubernetesClient client) {
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
    if (restarts > 0) {
      out.append("   previous container:\n")
          .append(logs.terminated().tailingLines(LOG_LINES).getLog());
    }
    out.append(logs.tailingLines(LOG_LINES).getLog());
  }
}
