package io.gadgetflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.gadgetflow.api.trace.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl gadget undeploy} while a gadget runs: no GadgetFlow object or pod is left, and
 * none of the eBPF programs the node agent had loaded (as {@code bpftool prog} shows them).
 */
@WithGadgetFlowCluster
@Order(90)
class UndeployIT {
  static final Duration TIMEOUT = Duration.ofMinutes(3);

  @Test
  void undeployLeavesNoObjectPodOrProgram(GadgetFlowCluster cluster) throws Exception {
    List<Long> programs;
    long agentPid;
    try (KubectlGadget trace = cluster.kubectlGadget("trace", "exec", "-A", "-o", "json")) {
      GadgetFlowTraces.awaitStarted(
          cluster, trace, started -> "execsnoop".equals(started.getSpec().getGadget()));
      Pod agent = GadgetFlowPodsIT.pods(cluster, "node").getFirst();
      agentPid = NodeHost.containerPid(cluster, Workloads.containerId(agent));
      programs = programsHeldBy(agentPid);
      assertThat(programs).as("the running gadget's programs, held by the agent").isNotEmpty();

      try (KubectlGadget undeploy = cluster.kubectlGadget("undeploy")) {
        assertThat(undeploy.awaitExit(TIMEOUT)).as(undeploy.stderr()).isZero();
      }
    }

    cluster
        .client()
        .namespaces()
        .withName("gadget")
        .waitUntilCondition(Objects::isNull, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(
            cluster
                .client()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(Trace.CRD_NAME)
                .get())
        .isNull();
    assertThat(
            cluster
                .client()
                .rbac()
                .clusterRoles()
                .withLabel("app.kubernetes.io/part-of", "gadgetflow")
                .list()
                .getItems())
        .isEmpty();
    assertThat(
            cluster
                .client()
                .rbac()
                .clusterRoleBindings()
                .withLabel("app.kubernetes.io/part-of", "gadgetflow")
                .list()
                .getItems())
        .isEmpty();
    assertThat(
            cluster
                .client()
                .pods()
                .inAnyNamespace()
                .withLabel("app.kubernetes.io/part-of", "gadgetflow")
                .list()
                .getItems())
        .isEmpty();
    assertThat(ProcessHandle.of(agentPid).filter(ProcessHandle::isAlive)).isEmpty();
    List<Long> left = new ArrayList<>(loadedPrograms());
    left.retainAll(programs);
    assertThat(left).as("programs the agent had loaded, still in the kernel").isEmpty();
  }

  /**
   * The ids of the programs {@code pid} holds a file descriptor of, from {@code /proc/<pid>/fdinfo}
   * (Debian's bpftool 7.1 is built without the skeletons that would let it name the holders).
   */
  private static List<Long> programsHeldBy(long pid) throws IOException {
    Path process = Path.of("/proc", Long.toString(pid));
    List<Long> ids = new ArrayList<>();
    try (Stream<Path> descriptors = Files.list(process.resolve("fd"))) {
      for (Path descriptor : descriptors.toList()) {
        try {
          if (Files.readSymbolicLink(descriptor).toString().equals("anon_inode:bpf-prog")) {
            ids.addAll(programIds(process.resolve("fdinfo").resolve(descriptor.getFileName())));
          }
        } catch (NoSuchFileException closedMeanwhile) {
          // The agent keeps opening and closing sockets and files; a program stays open while
          // its gadget runs, so one closed since the listing is not one of them.
        }
      }
    }
    return ids;
  }

  private static List<Long> programIds(Path fdinfo) throws IOException {
    return Files.readAllLines(fdinfo).stream()
        .filter(line -> line.startsWith("prog_id:"))
        .map(line -> Long.parseLong(line.substring("prog_id:".length()).strip()))
        .toList();
  }

  private static List<Long> loadedPrograms() {
    List<Long> ids = new ArrayList<>();
    bpftoolPrograms().forEach(program -> ids.add(program.path("id").asLong()));
    return ids;
  }

  private static JsonNode bpftoolPrograms() {
    return Events.parse(NodeHost.run("bpftool", "prog", "show", "--json"));
  }
}
