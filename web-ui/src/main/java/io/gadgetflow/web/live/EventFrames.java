package io.gadgetflow.web.live;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The JSON text frames of the events websocket. Event frames paste the events' JSON as the node
 * agent wrote it, so the server never parses or re-encodes an event on its way to a browser.
 */
final class EventFrames {
  private EventFrames() {}

  /** First frame: what the socket shows and how it behaves. */
  static String hello(WatchedTrace trace, int queueCapacity, int replayRequested) {
    return new JsonObject()
        .put("kind", "hello")
        .put(
            "trace",
            new JsonObject()
                .put("namespace", trace.namespace())
                .put("name", trace.name())
                .put("uid", trace.uid())
                .put("gadget", trace.gadget())
                .put("node", trace.node()))
        .put("queueCapacity", queueCapacity)
        .put("replayRequested", replayRequested)
        .encode();
  }

  static String events(List<String> eventJson, boolean replay) {
    int length = eventJson.stream().mapToInt(String::length).sum() + eventJson.size() + 48;
    StringBuilder frame = new StringBuilder(length);
    frame.append("{\"kind\":\"events\",\"replay\":").append(replay).append(",\"events\":[");
    for (int i = 0; i < eventJson.size(); i++) {
      if (i > 0) {
        frame.append(',');
      }
      frame.append(eventJson.get(i));
    }
    return frame.append("]}").toString();
  }

  /** After the replayed events: live ones follow. */
  static String replayed(int count, boolean complete) {
    return new JsonObject()
        .put("kind", "replayed")
        .put("count", count)
        .put("complete", complete)
        .encode();
  }

  /** Events this socket skipped because the browser read too slowly. */
  static String dropped(long count, long total) {
    return new JsonObject().put("kind", "dropped").put("count", count).put("total", total).encode();
  }

  /** Something the user should know that is not an event, e.g. that the replay failed. */
  static String notice(String level, String message) {
    return new JsonObject()
        .put("kind", "notice")
        .put("level", level)
        .put("message", message)
        .encode();
  }
}
