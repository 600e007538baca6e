package io.gadgetflow.api.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every Trace in k8s/examples reads into the model and writes back unchanged. */
class TraceExamplesTest {
  static final Path EXAMPLES = Path.of("..", "k8s", "examples");
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Every example: trace-*.yaml, snapshot-*.yaml. */
  static List<Path> traceExamples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("traceExamples")
  void roundTrips(Path example) throws IOException {
    JsonNode original = YAML.readTree(example.toFile());

    Trace trace = SERIALIZATION.unmarshal(Files.readString(example), Trace.class);
    JsonNode written = SERIALIZATION.convertValue(trace, JsonNode.class);

    assertThat(written).isEqualTo(original);
    assertThat(trace.getSpec().getRunMode()).isEqualTo(RunMode.MANUAL);
    assertThat(trace.getSpec().getGadget()).isNotBlank();
  }

  @ParameterizedTest
  @MethodSource("traceExamples")
  void examplesAreValidTracesOfTheGadgetNamespace(Path example) throws IOException {
    Trace trace = SERIALIZATION.unmarshal(Files.readString(example), Trace.class);

    assertThat(trace.getApiVersion()).isEqualTo(Trace.API_VERSION);
    assertThat(trace.getMetadata().getNamespace()).isEqualTo(Trace.DEFAULT_NAMESPACE);
  }
}
