package io.gadgetflow.web.live;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.gadgetflow.api.json.Json;
import java.io.IOException;

/**
 * Checks that a record value is one JSON object before it is pasted, unparsed, into websocket
 * frames: one malformed record must not make a browser's whole batch unreadable.
 */
final class EventJson {
  private EventJson() {}

  static boolean isObject(String text) {
    try (JsonParser parser = Json.mapper().getFactory().createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }
}
