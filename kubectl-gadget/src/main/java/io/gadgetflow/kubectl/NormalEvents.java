package io.gadgetflow.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.event.EventType;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.json.WireNames;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * What a table printer does with an event that is not for its table: a record that is not JSON, or
 * an event that is not {@code normal} (such as {@code lost N samples}), becomes one line on stderr.
 */
final class NormalEvents {
  private static final String NORMAL = WireNames.of(EventType.NORMAL);

  private NormalEvents() {}

  /** The event when it is a normal one; otherwise says it on {@code err} and returns null. */
  static JsonNode parse(String json, PrintWriter err) {
    JsonNode event;
    try {
      event = Json.mapper().readTree(json);
    } catch (IOException e) {
      // EventTopic passes on JSON objects only; this is the last guard, not the place to tell.
      return null;
    }
    String type = event.path(CommonEventFields.TYPE).asText(NORMAL);
    if (!type.equals(NORMAL)) {
      err.printf(
          "kubectl-gadget: %s from node %s: %s%n",
          TerminalText.neutralise(type),
          TerminalText.neutralise(event.path(CommonEventFields.NODE).asText("?")),
          TerminalText.neutralise(event.path(CommonEventFields.MESSAGE).asText("")));
      return null;
    }
    return event;
  }
}
