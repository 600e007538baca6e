package io.gadgetflow.api.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gadgetflow.api.trace.Trace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What issue 19 asks of every gadget of the catalogue besides its tests: an example Trace in
 * k8s/examples that the controller would accept, the JSON Schema of what it produces, and a section
 * in docs/gadgets.md.
 */
class GadgetCompletenessTest {
  static final Path EXAMPLES = Path.of("..", "k8s", "examples");
  static final Path GADGETS_DOC = Path.of("..", "docs", "gadgets.md");
  static final String SCHEMAS = "/io/gadgetflow/api/schemas/";
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /**
   * The gadgets whose result is a status.output, not events: the schema of that output. Stream and
   * top gadgets have event-<name>.json, snapshots snapshot-<name>.json.
   */
  static final Map<String, String> OUTPUT_SCHEMAS =
      Map.of(
          "biolatency", "output-histogram.json",
          "tcprtt", "output-histogram.json",
          "profile", "output-profile.json",
          "seccomp", "output-seccomp.json");

  static List<GadgetDescriptor> gadgets() {
    return GadgetCatalog.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gadgets")
  void hasAnExampleTheControllerWouldRun(GadgetDescriptor gadget) throws IOException {
    List<Trace> examples = examples().stream().filter(t -> isOf(t, gadget)).toList();

    assertThat(examples).as("a Trace of %s in %s", gadget.name(), EXAMPLES).isNotEmpty();
    for (Trace example : examples) {
      assertThat(
              TraceValidation.validate(example.getSpec()).map(TraceValidation.Violation::message))
          .as(example.getMetadata().getName())
          .isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gadgets")
  void hasTheSchemaOfWhatItProduces(GadgetDescriptor gadget) throws IOException {
    String schema = schemaOf(gadget);
    try (InputStream in = getClass().getResourceAsStream(SCHEMAS + schema)) {
      assertThat(in).as(schema).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .contains("\"$id\": \"https://gadgetflow.io/schemas/" + schema + "\"");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gadgets")
  void hasASectionInTheGadgetsDocument(GadgetDescriptor gadget) throws IOException {
    String heading =
        "%s (%s %s)".formatted(gadget.name(), gadget.category().folderName(), gadget.command());

    assertThat(
            Files.readAllLines(GADGETS_DOC).stream()
                .anyMatch(line -> line.matches("#{2,3} " + Pattern.quote(heading))))
        .as("a heading \"## %s\" in %s", heading, GADGETS_DOC)
        .isTrue();
  }

  private static String schemaOf(GadgetDescriptor gadget) {
    return Optional.ofNullable(OUTPUT_SCHEMAS.get(gadget.name()))
        .orElse(
            (gadget.category() == GadgetCategory.SNAPSHOT ? "snapshot-" : "event-")
                + gadget.name()
                + ".json");
  }

  private static boolean isOf(Trace trace, GadgetDescriptor gadget) {
    return gadget.name().equals(trace.getSpec().getGadget());
  }

  private static List<Trace> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".yaml"))
          .map(GadgetCompletenessTest::read)
          .toList();
    }
  }

  private static Trace read(Path example) {
    try {
      return SERIALIZATION.unmarshal(Files.readString(example), Trace.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
