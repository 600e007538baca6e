package io.gadgetflow.kubectl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.json.Json;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * {@code -o json}: every event, warnings included, as one line of JSON exactly as the node agent
 * wrote it, so tools like jq see Inspektor Gadget's field names.
 */
record JsonLinesPrinter(PrintWriter out) implements EventPrinter {
  @Override
  public void header() {}

  @Override
  public void event(String json) {
    out.println(json);
  }

  /** {@code {"node":"<node>","output":<output>}}, the output embedded as JSON when it is JSON. */
  @Override
  public void result(String node, String output) {
    ObjectNode line = Json.mapper().createObjectNode().put(CommonEventFields.NODE, node);
    try {
      line.set("output", Json.mapper().readTree(output));
    } catch (IOException notJson) {
      line.put("output", output);
    }
    out.println(line);
  }
}
