package io.gadgetflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Trace CRD as users and graphical clients meet it: through the real kubectl against a real API
 * server, with the manifests of k8s/examples.
 */
@WithKubernetes
class KubectlTraceIT {
  private static final Path EXAMPLES = Path.of("..", "k8s", "examples");
  private static final Path EXEC_EXAMPLE = EXAMPLES.resolve("trace-exec.yaml");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void anExampleTraceIsAppliedAnnotatedAndListedWithItsColumns(KubernetesCluster cluster)
      throws IOException {
    String namespace = cluster.createNamespace("trace-walkthrough");
    cluster
        .kubectlWithInput(withoutNamespace(EXEC_EXAMPLE), "apply", "-n", namespace, "-f", "-")
        .requireSuccess();

    assertThat(
            cluster
                .kubectl(
                    "annotate", "-n", namespace, "trace/exec", "gadget.kinvolk.io/operation=start")
                .requireSuccess()
                .stdout())
        .isEqualTo("trace.gadget.kinvolk.io/exec annotated\n");
    assertThat(
            cluster
                .kubectl("get", "-n", namespace, "trace", "exec", "-o", "yaml")
                .requireSuccess()
                .stdout())
        .contains("gadget.kinvolk.io/operation: start")
        .contains("gadget: execsnoop");

    assertThat(table(cluster.kubectl("get", "-n", namespace, "trace").requireSuccess()))
        .satisfiesExactly(
            header -> assertThat(header).containsExactly("NAME", "NODE", "GADGET", "STATE", "AGE"),
            row -> assertThat(row).startsWith("exec", "node-1", "execsnoop").hasSize(4));
    cluster
        .kubectl(
            "patch",
            "-n",
            namespace,
            "trace/exec",
            "--subresource=status",
            "--type=merge",
            "-p",
            "{\"status\":{\"state\":\"Started\"}}")
        .requireSuccess();
    assertThat(table(cluster.kubectl("get", "-n", namespace, "trace").requireSuccess()).get(1))
        .startsWith("exec", "node-1", "execsnoop", "Started")
        .hasSize(5);
  }

  @Test
  void aJsonPatchSetsTheOperationAsGraphicalClientsDo(KubernetesCluster cluster)
      throws IOException {
    String namespace = cluster.createNamespace("trace-json-patch");
    cluster
        .kubectlWithInput(withoutNamespace(EXEC_EXAMPLE), "apply", "-n", namespace, "-f", "-")
        .requireSuccess();
    cluster
        .kubectl("annotate", "-n", namespace, "trace/exec", "gadget.kinvolk.io/operation=start")
        .requireSuccess();

    cluster
        .kubectl(
            "patch",
            "-n",
            namespace,
            "trace/exec",
            "--type=json",
            "-p",
            "[{\"op\":\"add\",\"path\":\"/metadata/annotations/gadget.kinvolk.io~1operation\","
                + "\"value\":\"stop\"}]")
        .requireSuccess();

    Trace trace =
        cluster.client().resources(Trace.class).inNamespace(namespace).withName("exec").get();
    assertThat(trace.getMetadata().getAnnotations())
        .containsEntry(Trace.OPERATION_ANNOTATION, "stop");
    assertThat(trace.getSpec().getNode()).isEqualTo("node-1");
    assertThat(trace.getSpec().getGadget()).isEqualTo("execsnoop");
    assertThat(trace.getSpec().getRunMode()).isEqualTo(RunMode.MANUAL);
    assertThat(trace.getSpec().getOutputMode()).isEqualTo(OutputMode.STREAM);
    assertThat(trace.getSpec().getFilter()).isNull();
    assertThat(trace.getSpec().getParameters()).isEmpty();
    assertThat(trace.getStatus()).isNull();
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of(
            "outputMode",
            "Bogus",
            "spec.outputMode: Unsupported value: \"Bogus\": supported values: \"Status\","
                + " \"Stream\", \"File\", \"ExternalResource\""),
        Arguments.of("runMode", "Sometimes", "spec.runMode: Unsupported value: \"Sometimes\""),
        Arguments.of(
            "parameters",
            5,
            "spec.parameters: Invalid value: \"integer\": spec.parameters in body must be of type object"),
        Arguments.of(
            "node",
            List.of(1),
            "spec.node: Invalid value: \"array\": spec.node in body must be of type string"));
  }

  @ParameterizedTest(name = "spec.{0}: {1}")
  @MethodSource("invalidSpecs")
  void theApiServerRefusesWhatTheSchemaForbids(
      String field, Object value, String error, KubernetesCluster cluster) throws IOException {
    String namespace = cluster.createNamespace("trace-invalid");
    GenericKubernetesResource trace = example(EXEC_EXAMPLE);
    spec(trace).put(field, value);

    KubectlResult result =
        cluster.kubectlWithInput(SERIALIZATION.asYaml(trace), "apply", "-n", namespace, "-f", "-");

    assertThat(result.exitCode()).as(result.stdout()).isEqualTo(1);
    assertThat(result.stderr()).contains("The Trace \"exec\" is invalid").contains(error);
    assertThat(
            cluster
                .kubectl("get", "-n", namespace, "traces", "-o", "name")
                .requireSuccess()
                .stdout())
        .isEmpty();
  }

  static List<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** As the example's comment tells a user to, into its own namespace, validated but not kept. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void theApiServerAcceptsEveryExample(Path example, KubernetesCluster cluster) {
    assertThat(
            cluster
                .kubectl("apply", "--dry-run=server", "-f", example.toString())
                .requireSuccess()
                .stdout())
        .endsWith("created (server dry run)\n");
  }

  /** The example with its namespace left to kubectl's {@code -n}, so each test has its own. */
  private static String withoutNamespace(Path example) throws IOException {
    return SERIALIZATION.asYaml(example(example));
  }

  private static GenericKubernetesResource example(Path file) throws IOException {
    GenericKubernetesResource resource =
        SERIALIZATION.unmarshal(Files.readString(file), GenericKubernetesResource.class);
    resource.getMetadata().setNamespace(null);
    return resource;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
  }

  /** kubectl's table: a header row, then a row per object, split at runs of spaces. */
  private static List<List<String>> table(KubectlResult result) {
    return result.stdout().lines().map(line -> List.of(line.strip().split("\\s+"))).toList();
  }
}
