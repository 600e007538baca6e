package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.local.kube.ControlPlaneBinaries;
import io.gadgetflow.local.kube.LocalControlPlane;
import io.gadgetflow.local.kube.LocalControlPlaneConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy and undeploy against an API server of their own: undeploying removes the Trace CRD, which
 * the run's shared API server must keep for every other test.
 */
class DeployUndeployIT {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return KubectlGadgetCommand.execute(
        GadgetCatalog.all(),
        Map.of(),
        args,
        new PrintWriter(out, true),
        new PrintWriter(err, true));
  }

  @Test
  void deployInstallsTheManifestsAgainAndAgainAndUndeployRemovesThemWithTheirTraces(
      @TempDir Path data) {
    LocalControlPlaneConfig config =
        LocalControlPlaneConfig.inDirectory(ControlPlaneBinaries.fromEnvironment(), data)
            .withApiServerPort(0);
    try (LocalControlPlane kube = LocalControlPlane.start(config);
        KubernetesClient client = kube.newClient()) {
      String kubeconfig = kube.kubeconfig().toString();

      assertThat(run("deploy", "--kubeconfig", kubeconfig)).as(err.toString()).isZero();
      assertThat(run("deploy", "--kubeconfig", kubeconfig)).as(err.toString()).isZero();
      assertThat(out.toString())
          .contains("serviceaccount/gadgetflow-node (namespace gadget) applied")
          .contains("clusterrole.rbac.authorization.k8s.io/gadgetflow-controller applied");
      assertThat(client.serviceAccounts().inNamespace("gadget").withName("gadgetflow-web").get())
          .isNotNull();

      // This API server runs no controller-manager and no kubelet: no workload ever rolls out.
      List<String> workloads =
          InstallManifests.load(client).stream()
              .filter(Rollout::isWorkload)
              .map(ObjectNames::of)
              .toList();
      int waited = run("deploy", "--kubeconfig", kubeconfig, "--wait", "--timeout", "2");
      if (workloads.isEmpty()) {
        assertThat(waited).as(err.toString()).isZero();
      } else {
        assertThat(waited).isEqualTo(1);
        assertThat(err.toString())
            .startsWith("kubectl-gadget: not rolled out within 2s: ")
            .contains(workloads)
            .hasLineCount(1);
      }

      // No controller runs here, so nothing would ever release this Trace's finalizer.
      Trace stuck = client.resource(traceWithFinalizer()).create();
      assertThat(run("undeploy", "--kubeconfig", kubeconfig, "--timeout", "1"))
          .as(err.toString())
          .isZero();

      assertThat(err.toString())
          .contains(
              "no controller deleted Trace trace.gadget.kinvolk.io/"
                  + stuck.getMetadata().getName());
      assertThat(
              client
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .withName(Trace.CRD_NAME)
                  .get())
          .isNull();
      assertThat(client.rbac().clusterRoles().withName("gadgetflow-controller").get()).isNull();
      assertThat(client.serviceAccounts().inNamespace("gadget").list().getItems()).isEmpty();

      assertThat(run("trace", "exec", "--node", "somewhere", "--kubeconfig", kubeconfig))
          .isEqualTo(1);
      assertThat(err.toString())
          .isEqualTo(
              "kubectl-gadget: the cluster has no traces.gadget.kinvolk.io resource type:"
                  + " GadgetFlow is not installed there (kubectl gadget deploy installs it)\n");
    }
  }

  private static Trace traceWithFinalizer() {
    TraceSpec spec = new TraceSpec();
    spec.setNode("somewhere");
    spec.setGadget("execsnoop");
    Trace trace = new Trace();
    trace.setMetadata(
        new ObjectMetaBuilder()
            .withName("stuck")
            .withNamespace(Trace.DEFAULT_NAMESPACE)
            .withFinalizers(List.of(Trace.FINALIZER))
            .build());
    trace.setSpec(spec);
    return trace;
  }
}
