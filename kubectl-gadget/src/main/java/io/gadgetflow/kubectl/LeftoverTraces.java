package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.api.trace.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Traces an earlier run of this command left behind because it could not delete them: it was killed
 * outright, or the API server was unreachable when it stopped. Each Trace names the process that
 * created it (machine, pid and the process's start time, so a reused pid is not mistaken for it). A
 * later run on the same machine deletes the Traces whose process is gone; Traces created on other
 * machines are left alone, since whether their process lives cannot be told from here.
 */
final class LeftoverTraces {
  static final String OWNER_ANNOTATION = "gadgetflow.io/kubectl-gadget-process";

  private static final Path KERNEL_HOST_NAME = Path.of("/proc/sys/kernel/hostname");

  private LeftoverTraces() {}

  /** This process, as the value of {@link #OWNER_ANNOTATION}. */
  static String thisProcess() {
    ProcessHandle self = ProcessHandle.current();
    return owner(self.pid(), self.info().startInstant().orElse(Instant.EPOCH));
  }

  /** A process of this machine as {@code <machine> <pid> <start time in epoch milliseconds>}. */
  static String owner(long pid, Instant start) {
    return machine() + " " + pid + " " + start.toEpochMilli();
  }

  /**
   * Whether the process {@code owner} names is known to be gone: it ran on this machine and no
   * process with its pid and start time runs now.
   */
  static boolean isGone(String owner) {
    String[] parts = owner == null ? new String[0] : owner.split(" ");
    if (parts.length != 3 || !parts[0].equals(machine())) {
      return false;
    }
    try {
      long pid = Long.parseLong(parts[1]);
      long start = Long.parseLong(parts[2]);
      Optional<Instant> running =
          ProcessHandle.of(pid)
              .filter(ProcessHandle::isAlive)
              .flatMap(p -> p.info().startInstant());
      return running.map(instant -> instant.toEpochMilli() != start).orElse(true);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Deletes this command's Traces in {@code namespace} whose creating process is gone.
   *
   * @return the names of the Traces deleted
   */
  static List<String> delete(KubernetesClient client, String namespace) {
    List<String> deleted = new ArrayList<>();
    for (Trace trace :
        client
            .resources(Trace.class)
            .inNamespace(namespace)
            .withLabel(TraceGroup.MANAGED_BY_LABEL, TraceGroup.MANAGED_BY)
            .list()
            .getItems()) {
      Map<String, String> annotations = trace.getMetadata().getAnnotations();
      if (trace.getMetadata().getDeletionTimestamp() == null
          && annotations != null
          && isGone(annotations.get(OWNER_ANNOTATION))) {
        client.resource(trace).delete();
        deleted.add(trace.getMetadata().getName());
      }
    }
    return deleted;
  }

  /**
   * {@link #delete}, saying on {@code err} what was deleted and why. As the run's first request
   * about Traces, it is also where a cluster without GadgetFlow shows.
   *
   * @throws CommandFailure when the cluster has no Trace resource type
   */
  static void deleteReporting(KubernetesClient client, String namespace, PrintWriter err) {
    List<String> deleted;
    try {
      deleted = delete(client, namespace);
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        throw new CommandFailure(
            "the cluster has no %s resource type: GadgetFlow is not installed there (kubectl gadget deploy installs it)"
                .formatted(Trace.CRD_NAME),
            e);
      }
      throw e;
    }
    for (String leftover : deleted) {
      err.printf(
          "kubectl-gadget: deleted Trace %s/%s, left behind by an earlier run that ended without cleaning up%n",
          namespace, leftover);
    }
  }

  /** The kernel's host name: cheap to read, unlike a name resolved through DNS. */
  private static String machine() {
    try {
      return Files.readString(KERNEL_HOST_NAME).strip();
    } catch (IOException e) {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException unresolved) {
        return "localhost";
      }
    }
  }
}
