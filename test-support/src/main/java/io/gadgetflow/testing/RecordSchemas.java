package io.gadgetflow.testing;

import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON Schemas of the Kafka records and of the gadgets' {@code status.output} (published in the
 * api jar under {@code io/gadgetflow/api/schemas/}), for tests that check what was really produced.
 */
public final class RecordSchemas {
  private static final String BASE_URI = "https://gadgetflow.io/schemas/";
  private static final String RESOURCES = "/io/gadgetflow/api/schemas/";
  private static final List<String> SCHEMAS =
      List.of(
          "event-common.json",
          "event-execsnoop.json",
          "event-opensnoop.json",
          "event-sigsnoop.json",
          "event-tcptracer.json",
          "event-top.json",
          "event-filetop.json",
          "event-tcptop.json",
          "event-biotop.json",
          "event-dns.json",
          "event-snisnoop.json",
          "snapshot-socket-collector.json",
          "event-bindsnoop.json",
          "event-mountsnoop.json",
          "event-oomkill.json",
          "event-fsslower.json",
          "event-capabilities.json",
          "event-tcpretrans.json",
          "event-tcpdrop.json",
          "event-tcpconnect.json",
          "output-profile.json",
          "output-histogram.json",
          "snapshot-process-collector.json",
          "output-seccomp.json",
          "node-report.json",
          "node-registration.json",
          "control-record.json");
  private static final SchemaRepository REPOSITORY = load();

  private RecordSchemas() {}

  /**
   * Fails the test, naming every violation, unless {@code json} (an object, or an array such as a
   * snapshot's output) is valid against the schema.
   */
  public static void assertValid(String schema, String json) {
    OutputUnit result =
        REPOSITORY.validator(BASE_URI + schema).validate(io.vertx.core.json.Json.decodeValue(json));
    if (!result.getValid()) {
      fail("%s does not match %s: %s", json, schema, result.getErrors());
    }
  }

  private static SchemaRepository load() {
    SchemaRepository repository =
        SchemaRepository.create(
            new JsonSchemaOptions()
                .setDraft(Draft.DRAFT202012)
                .setBaseUri(BASE_URI)
                .setOutputFormat(OutputFormat.Basic));
    for (String schema : SCHEMAS) {
      repository.dereference(BASE_URI + schema, JsonSchema.of(new JsonObject(read(schema))));
    }
    return repository;
  }

  private static String read(String schema) {
    try (InputStream in = RecordSchemas.class.getResourceAsStream(RESOURCES + schema)) {
      if (in == null) {
        throw new IllegalStateException("no schema " + schema + " on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
