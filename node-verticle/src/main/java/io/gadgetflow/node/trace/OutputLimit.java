package io.gadgetflow.node.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.gadget.StatusOutput;
import java.nio.charset.StandardCharsets;

/**
 * Keeps a trace's {@code status.output} small enough to travel: a node report is one Kafka record
 * (1 MiB at most by Kafka's defaults) and the controller writes the output into the Trace, an etcd
 * object of 1.5 MiB at most. An answer whose output is larger would be refused on the way and the
 * user would see only that the node did not answer.
 *
 * <p>A JSON array (a snapshot's entries) keeps as many of its first entries as fit and says so in
 * {@code operationWarning}; any other output too large is replaced by an {@code operationError}.
 */
final class OutputLimit {
  /** Room for the report's other fields and the Trace's, within both limits. */
  static final int MAX_OUTPUT_BYTES = StatusOutput.MAX_BYTES;

  private OutputLimit() {}

  static Answer fit(Answer answer) {
    return fit(answer, MAX_OUTPUT_BYTES);
  }

  static Answer fit(Answer answer, int maxBytes) {
    String output = answer.output();
    if (output == null || utf8Length(output) <= maxBytes) {
      return answer;
    }
    ArrayNode entries = entriesOf(output);
    if (entries == null) {
      return answer
          .withOutput(null)
          .withError(
              "The result of %d bytes is larger than the %d bytes a Trace's status may hold"
                  .formatted(utf8Length(output), maxBytes));
    }
    ArrayNode kept = Json.mapper().createArrayNode();
    // "[" and "]", then each entry and the comma before it.
    long size = 2;
    for (JsonNode entry : entries) {
      long entrySize = utf8Length(entry.toString()) + (kept.isEmpty() ? 0 : 1);
      if (size + entrySize > maxBytes) {
        break;
      }
      kept.add(entry);
      size += entrySize;
    }
    String warning =
        "Result truncated to its first %d of %d entries (%d bytes at most): narrow the filter to see the rest"
            .formatted(kept.size(), entries.size(), maxBytes);
    return answer
        .withOutput(kept.toString())
        .withWarning(answer.warning() == null ? warning : answer.warning() + "; " + warning);
  }

  private static ArrayNode entriesOf(String output) {
    try {
      return Json.mapper().readTree(output) instanceof ArrayNode array ? array : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
