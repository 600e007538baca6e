package io.gadgetflow.api.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.gadgetflow.api.json.WireNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hand-kept CRD in k8s/crd and the Java model must describe the same resource. */
class TraceCrdTest {
  static final Path CRD = Path.of("..", "k8s", "crd", "traces.gadget.kinvolk.io.yaml");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static JsonNode crd;
  static JsonNode schema;

  @BeforeAll
  static void readCrd() throws IOException {
    crd = YAML.readTree(CRD.toFile());
    schema = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties");
  }

  @Test
  void namesMatchTheModelAnnotations() {
    assertThat(crd.at("/metadata/name").asText()).isEqualTo(Trace.CRD_NAME);
    assertThat(crd.at("/spec/group").asText()).isEqualTo(HasMetadata.getGroup(Trace.class));
    assertThat(crd.at("/spec/versions/0/name").asText())
        .isEqualTo(HasMetadata.getVersion(Trace.class));
    assertThat(crd.at("/spec/names/kind").asText()).isEqualTo(HasMetadata.getKind(Trace.class));
    assertThat(crd.at("/spec/names/plural").asText()).isEqualTo(HasMetadata.getPlural(Trace.class));
    assertThat(crd.at("/spec/names/singular").asText())
        .isEqualTo(HasMetadata.getSingular(Trace.class));
    assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
  }

  @Test
  void statusIsASubresource() {
    assertThat(crd.at("/spec/versions/0/subresources/status").isObject()).isTrue();
  }

  @Test
  void printerColumnsShowNodeGadgetStateAndAge() {
    List<String> columns = new ArrayList<>();
    crd.at("/spec/versions/0/additionalPrinterColumns")
        .forEach(c -> columns.add(c.get("name").asText() + "=" + c.get("jsonPath").asText()));
    assertThat(columns)
        .containsExactly(
            "Node=.spec.node",
            "Gadget=.spec.gadget",
            "State=.status.state",
            "Age=.metadata.creationTimestamp");
  }

  @Test
  void specPropertiesAreTheModelProperties() {
    assertThat(propertyNames(schema.at("/spec/properties")))
        .isEqualTo(modelProperties(TraceSpec.class));
    assertThat(propertyNames(schema.at("/spec/properties/filter/properties")))
        .isEqualTo(modelProperties(TraceFilter.class));
  }

  @Test
  void statusPropertiesAreTheModelProperties() {
    assertThat(propertyNames(schema.at("/status/properties")))
        .isEqualTo(modelProperties(TraceStatus.class));
  }

  @Test
  void enumsAreTheModelEnums() {
    assertThat(enumValues(schema.at("/spec/properties/runMode/enum")))
        .isEqualTo(wireNames(RunMode.values()));
    assertThat(enumValues(schema.at("/spec/properties/outputMode/enum")))
        .isEqualTo(wireNames(OutputMode.values()));
    assertThat(enumValues(schema.at("/status/properties/state/enum")))
        .isEqualTo(wireNames(TraceState.values()));
  }

  @Test
  void keepsInspektorGadgetFieldNames() {
    assertThat(propertyNames(schema.at("/spec/properties")))
        .contains("node", "gadget", "runMode", "filter", "outputMode", "output", "parameters");
    assertThat(propertyNames(schema.at("/spec/properties/filter/properties")))
        .containsExactlyInAnyOrder("namespace", "podname", "containerName", "labels");
    assertThat(propertyNames(schema.at("/status/properties")))
        .contains("state", "output", "operationError", "operationWarning");
  }

  private static Set<String> propertyNames(JsonNode properties) {
    Set<String> names = new TreeSet<>();
    properties.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Set<String> modelProperties(Class<?> type) {
    ObjectMapper mapper = new ObjectMapper();
    BeanDescription description =
        mapper.getSerializationConfig().introspect(mapper.constructType(type));
    Set<String> names = new TreeSet<>();
    for (BeanPropertyDefinition property : description.findProperties()) {
      if (property.couldSerialize()) {
        names.add(property.getName());
      }
    }
    return names;
  }

  private static List<String> enumValues(JsonNode values) {
    List<String> result = new ArrayList<>();
    values.forEach(v -> result.add(v.asText()));
    return result;
  }

  private static List<String> wireNames(Enum<?>[] constants) {
    return Arrays.stream(constants).<String>map(WireNames::of).toList();
  }
}
