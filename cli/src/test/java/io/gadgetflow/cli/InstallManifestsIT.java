package io.gadgetflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.kafka.EventForm;
import io.gadgetflow.testing.KubectlResult;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.SeccompProfileCrd;
import io.gadgetflow.testing.WithKubernetes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The install manifests against a real API server: accepted, and granting exactly what they say.
 */
@WithKubernetes
class InstallManifestsIT {
  static final Path INSTALL = Path.of("..", "k8s", "install");
  private static final ObjectMapper JSON = new ObjectMapper();

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
        .contains("clusterrole.rbac.authorization.k8s.io/gadgetflow-controller")
        .contains("configmap/gadgetflow-kafka")
        .contains("deployment.apps/gadgetflow-controller")
        .contains("deployment.apps/gadgetflow-web")
        .contains("service/gadgetflow-web")
        .contains("daemonset.apps/gadgetflow-node");
  }

  @Test
  void everyManifestIsAcceptedOnItsOwnInOrder(KubernetesCluster cluster) throws IOException {
    // kubectl gadget deploy applies them one by one, in their numbered order.
    List<Path> manifests;
    try (Stream<Path> files = Files.list(INSTALL)) {
      manifests = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(manifests).hasSizeGreaterThanOrEqualTo(8);
    for (Path manifest : manifests) {
      cluster.kubectl("apply", "--dry-run=server", "-f", manifest.toString()).requireSuccess();
    }
  }

  @Test
  void theNodeAgentRunsWithOnlyTheCapabilitiesItNeeds(KubernetesCluster cluster) {
    JsonNode pod = podTemplate(cluster, "07-node.yaml");
    JsonNode container = pod.at("/containers/0");

    assertThat(pod.at("/serviceAccountName").asText()).isEqualTo("gadgetflow-node");
    assertThat(pod.at("/hostPID").asBoolean()).isTrue();
    assertThat(texts(container.at("/securityContext/capabilities/drop"))).containsExactly("ALL");
    assertThat(texts(container.at("/securityContext/capabilities/add")))
        .containsExactlyInAnyOrder(
            "BPF", "PERFMON", "SYS_PTRACE", "SYS_ADMIN", "NET_RAW", "SYSLOG");
    assertThat(container.at("/securityContext/privileged").asBoolean()).isFalse();
    assertThat(texts(container.at("/volumeMounts"), "mountPath"))
        .contains("/sys/kernel/btf", "/sys/kernel/tracing", "/var/lib/gadgetflow/output");
    assertThat(texts(container.at("/env"), "name")).contains("GADGETFLOW_NODE_NAME");
  }

  @Test
  void theNodeAgentRunsOnlyOnLinuxNodesOfTheArchitecturesItKnows(KubernetesCluster cluster) {
    JsonNode terms =
        podTemplate(cluster, "07-node.yaml")
            .at("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution")
            .at("/nodeSelectorTerms");

    assertThat(terms).hasSize(1);
    List<String> requirements = new ArrayList<>();
    for (JsonNode expression : terms.at("/0/matchExpressions")) {
      requirements.add(
          expression.path("key").asText()
              + " "
              + expression.path("operator").asText()
              + " "
              + texts(expression.path("values")));
    }
    assertThat(requirements)
        .containsExactlyInAnyOrder(
            "kubernetes.io/os In [linux]", "kubernetes.io/arch In [amd64, arm64]");
  }

  @Test
  void theNodeAgentRegistersItsKeyWithATokenOnlyForTheController(KubernetesCluster cluster) {
    JsonNode pod = podTemplate(cluster, "07-node.yaml");
    JsonNode container = pod.at("/containers/0");

    String tokenFile = null;
    for (JsonNode variable : container.at("/env")) {
      if (variable.path("name").asText().equals("GADGETFLOW_SERVICE_ACCOUNT_TOKEN_FILE")) {
        tokenFile = variable.path("value").asText();
      }
    }
    assertThat(tokenFile).as("GADGETFLOW_SERVICE_ACCOUNT_TOKEN_FILE").isNotNull();
    String mountPath = null;
    for (JsonNode mount : container.at("/volumeMounts")) {
      if (mount.path("name").asText().equals("node-token")) {
        mountPath = mount.path("mountPath").asText();
      }
    }
    assertThat(tokenFile).isEqualTo(mountPath + "/token");
    JsonNode token = null;
    for (JsonNode volume : pod.at("/volumes")) {
      if (volume.path("name").asText().equals("node-token")) {
        token = volume.at("/projected/sources/0/serviceAccountToken");
      }
    }
    assertThat(token).as("the projected token").isNotNull();
    assertThat(token.path("audience").asText()).isEqualTo("gadgetflow-node");
    assertThat(token.path("path").asText()).isEqualTo("token");
  }

  @Test
  void theNodeAgentJvmIsTheOneTheNodePathBenchmarkMeasures(KubernetesCluster cluster) {
    JsonNode container = podTemplate(cluster, "07-node.yaml").at("/containers/0");

    JsonNode javaOptions = null;
    JsonNode mallocArenas = null;
    for (JsonNode variable : container.at("/env")) {
      if (variable.path("name").asText().equals("JDK_JAVA_OPTIONS")) {
        javaOptions = variable.path("value");
      } else if (variable.path("name").asText().equals("MALLOC_ARENA_MAX")) {
        mallocArenas = variable.path("value");
      }
    }
    assertThat(javaOptions).as("JDK_JAVA_OPTIONS").isNotNull();
    assertThat(javaOptions.asText().split(" "))
        .contains(
            "-Xmx96m",
            "-XX:+UseSerialGC",
            "-XX:TrimNativeHeapInterval=2000",
            "-XX:ActiveProcessorCount=2");
    assertThat(mallocArenas).as("MALLOC_ARENA_MAX").isNotNull();
    assertThat(mallocArenas.asText()).isEqualTo("2");
  }

  @Test
  void theNodeAgentWritesBatchRecords(KubernetesCluster cluster) {
    Map<String, String> settings = new HashMap<>();
    for (JsonNode variable : podTemplate(cluster, "07-node.yaml").at("/containers/0/env")) {
      if (variable.has("value")) {
        settings.put(variable.path("name").asText(), variable.path("value").asText());
      }
    }

    assertThat(NodeConfig.fromEnvironment(settings, "node-1").eventForm())
        .as("the event form the DaemonSet's agent reads from its environment")
        .isEqualTo(EventForm.BATCH);
  }

  @ParameterizedTest
  @CsvSource({"05-controller.yaml, gadgetflow-controller", "06-web.yaml, gadgetflow-web"})
  void theControllerAndWebUiRunAsNonRootWithoutCapabilities(
      String manifest, String serviceAccount, KubernetesCluster cluster) {
    JsonNode pod = podTemplate(cluster, manifest);
    JsonNode container = pod.at("/containers/0");

    assertThat(pod.at("/serviceAccountName").asText()).isEqualTo(serviceAccount);
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(texts(container.at("/securityContext/capabilities/drop"))).containsExactly("ALL");
    assertThat(container.at("/securityContext/capabilities/add").isMissingNode()).isTrue();
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health");
    assertThat(texts(container.at("/envFrom"), "configMapRef"))
        .as("the Kafka connection comes from the ConfigMap")
        .isNotEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "05-controller.yaml, gadgetflow-kafka-controller",
    "06-web.yaml, gadgetflow-kafka-web",
    "07-node.yaml, gadgetflow-kafka-node"
  })
  void eachRoleTakesItsKafkaLoginFromItsOwnSecretOnly(
      String manifest, String secret, KubernetesCluster cluster) {
    JsonNode pod = podTemplate(cluster, manifest);

    List<String> secrets = new ArrayList<>();
    for (JsonNode variable : pod.at("/containers/0/env")) {
      JsonNode reference = variable.at("/valueFrom/secretKeyRef/name");
      if (!reference.isMissingNode()) {
        secrets.add(reference.asText());
      }
    }
    for (JsonNode volume : pod.at("/volumes")) {
      JsonNode reference = volume.at("/secret/secretName");
      if (!reference.isMissingNode()) {
        secrets.add(reference.asText());
      }
    }
    assertThat(secrets).isNotEmpty().containsOnly(secret);
  }

  /** The pod template of the first workload in a manifest, as the API server would store it. */
  private static JsonNode podTemplate(KubernetesCluster cluster, String manifest) {
    KubectlResult result =
        cluster
            .kubectl(
                "apply",
                "--dry-run=server",
                "-o",
                "json",
                "-f",
                INSTALL.resolve(manifest).toString())
            .requireSuccess();
    try {
      JsonNode applied = JSON.readTree(result.stdout());
      JsonNode workload = applied.has("items") ? applied.at("/items/0") : applied;
      return workload.at("/spec/template/spec");
    } catch (IOException e) {
      throw new AssertionError("kubectl printed no JSON: " + result, e);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> texts = new ArrayList<>();
    array.forEach(
        item -> {
          JsonNode value = item.path(field);
          texts.add(value.isValueNode() ? value.asText() : value.toString());
        });
    return texts;
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
            controller, true, "patch leases.coordination.k8s.io/gadgetflow-controller -n gadget"));
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
    cases.add(Arguments.of(controller, true, "create tokenreviews.authentication.k8s.io"));
    cases.add(Arguments.of(controller, false, "get secrets -n gadget"));
    cases.add(Arguments.of(controller, false, "get configmaps -n gadget"));
    cases.add(Arguments.of(controller, false, "create leases.coordination.k8s.io -n default"));
    cases.add(Arguments.of(controller, false, "patch daemonsets.apps -n gadget"));
    String node = "gadgetflow-node";
    cases.add(Arguments.of(node, true, "watch pods --all-namespaces"));
    cases.add(Arguments.of(node, false, "patch traces.gadget.kinvolk.io -n gadget"));
    cases.add(Arguments.of(node, false, "list traces.gadget.kinvolk.io -n gadget"));
    cases.add(Arguments.of(node, false, "create pods -n default"));
    cases.add(
        Arguments.of(
            node, false, "create seccompprofiles.security-profiles-operator.x-k8s.io -n app"));
    cases.add(Arguments.of(node, false, "get secrets -n gadget"));
    cases.add(Arguments.of(node, false, "get configmaps -n gadget"));
    cases.add(Arguments.of(node, false, "list nodes"));
    cases.add(Arguments.of(node, false, "create tokenreviews.authentication.k8s.io"));
    cases.add(Arguments.of(node, false, "update leases.coordination.k8s.io -n gadget"));
    String web = "gadgetflow-web";
    cases.add(Arguments.of(web, true, "create tokenreviews.authentication.k8s.io"));
    cases.add(Arguments.of(web, true, "create subjectaccessreviews.authorization.k8s.io"));
    cases.add(Arguments.of(web, true, "create traces.gadget.kinvolk.io -n gadget"));
    cases.add(Arguments.of(web, true, "delete traces.gadget.kinvolk.io -n gadget"));
    cases.add(
        Arguments.of(web, false, "patch traces.gadget.kinvolk.io --subresource=status -n gadget"));
    cases.add(Arguments.of(web, false, "get secrets -n gadget"));
    cases.add(Arguments.of(web, false, "list nodes"));
    cases.add(Arguments.of(web, false, "list pods --all-namespaces"));
    cases.add(
        Arguments.of(
            web, false, "update leases.coordination.k8s.io/gadgetflow-controller -n gadget"));
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
