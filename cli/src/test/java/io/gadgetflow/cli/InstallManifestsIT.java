package io.gadgetflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.KubectlResult;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.SeccompProfileCrd;
import io.gadgetflow.testing.WithKubernetes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The install manifests against a real API server: accepted, and granting exactly what they say.
 */
@WithKubernetes
class InstallManifestsIT {
  static final Path INSTALL = Path.of("..", "k8s", "install");

  @BeforeAll
  static void installIdentitiesAndPermissions(KubernetesCluster cluster) {
    // kubectl auth can-i only answers for resource types the API server knows.
    SeccompProfileCrd.install(cluster);
    cluster
        .kubectl(
            "apply",
            "-f",
            INSTALL.resolve("02-serviceaccounts.yaml").toString(),
            "-f",
            INSTALL.resolve("03-rbac.yaml").toString())
        .requireSuccess();
  }

  @Test
  void everyManifestIsAcceptedByTheApiServer(KubernetesCluster cluster) {
    KubectlResult result =
        cluster.kubectl("apply", "--dry-run=server", "-f", INSTALL.toString()).requireSuccess();

    assertThat(result.stdout())
        .contains("namespace/gadget")
        .contains("customresourcedefinition.apiextensions.k8s.io/traces.gadget.kinvolk.io")
        .contains("clusterrole.rbac.authorization.k8s.io/gadgetflow-controller");
  }

  static Stream<Arguments> permissions() {
    List<Arguments> cases = new ArrayList<>();
    String controller = "gadgetflow-controller";
    cases.add(Arguments.of(controller, true, "watch traces.gadget.kinvolk.io --all-namespaces"));
    cases.add(Arguments.of(controller, true, "patch traces.gadget.kinvolk.io -n default"));
    cases.add(
        Arguments.of(
            controller, true, "patch traces.gadget.kinvolk.io --subresource=status -n default"));
    cases.add(Arguments.of(controller, false, "create traces.gadget.kinvolk.io -n default"));
    cases.add(Arguments.of(controller, false, "delete traces.gadget.kinvolk.io -n default"));
    cases.add(
        Arguments.of(
            controller, true, "update leases.coordination.k8s.io/gadgetflow-controller -n gadget"));
    cases.add(
        Arguments.of(
            controller, false, "update leases.coordination.k8s.io/someone-else -n gadget"));
    cases.add(Arguments.of(controller, false, "list pods --all-namespaces"));
    cases.add(
        Arguments.of(
            controller, true, "create seccompprofiles.security-profiles-operator.x-k8s.io -n app"));
    cases.add(
        Arguments.of(
            controller, true, "patch seccompprofiles.security-profiles-operator.x-k8s.io -n app"));
    cases.add(
        Arguments.of(
            controller,
            false,
            "delete seccompprofiles.security-profiles-operator.x-k8s.io -n app"));
    cases.add(Arguments.of(controller, false, "get secrets -n gadget"));
    String node = "gadgetflow-node";
    cases.add(Arguments.of(node, true, "watch pods --all-namespaces"));
    cases.add(Arguments.of(node, false, "patch traces.gadget.kinvolk.io -n gadget"));
    cases.add(Arguments.of(node, false, "list traces.gadget.kinvolk.io -n gadget"));
    cases.add(Arguments.of(node, false, "create pods -n default"));
    cases.add(
        Arguments.of(
            node, false, "create seccompprofiles.security-profiles-operator.x-k8s.io -n app"));
    cases.add(Arguments.of(node, false, "get secrets -n gadget"));
    String web = "gadgetflow-web";
    cases.add(Arguments.of(web, true, "create tokenreviews.authentication.k8s.io"));
    cases.add(Arguments.of(web, true, "create subjectaccessreviews.authorization.k8s.io"));
    cases.add(Arguments.of(web, true, "create traces.gadget.kinvolk.io -n gadget"));
    cases.add(Arguments.of(web, true, "delete traces.gadget.kinvolk.io -n gadget"));
    cases.add(
        Arguments.of(web, false, "patch traces.gadget.kinvolk.io --subresource=status -n gadget"));
    cases.add(Arguments.of(web, false, "get secrets -n gadget"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {2}: {1}")
  @MethodSource("permissions")
  void eachRoleMayDoWhatItNeedsAndNothingElse(
      String serviceAccount, boolean allowed, String request, KubernetesCluster cluster) {
    List<String> arguments = new ArrayList<>(List.of("auth", "can-i"));
    arguments.addAll(List.of(request.split(" ")));
    arguments.add("--as=system:serviceaccount:gadget:" + serviceAccount);

    KubectlResult answer = cluster.kubectl(arguments.toArray(String[]::new));

    assertThat(answer.stdout().strip()).as(answer.toString()).isEqualTo(allowed ? "yes" : "no");
  }
}
