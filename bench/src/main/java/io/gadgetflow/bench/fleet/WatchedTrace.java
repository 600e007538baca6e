package io.gadgetflow.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A browser's view of one trace in the web UI: a websocket client of the trace's events, and what
 * the web UI instance's live feed read from Kafka meanwhile (its consumer's own count of bytes, by
 * topic, from the client's JMX metrics). The cost of watching a trace is those bytes, compared with
 * the bytes of the watched trace's own events.
 */
final class WatchedTrace {
  /** The web UI's live feed's Kafka client id (LiveFeed). */
  private static final String LIVE_FEED_CLIENT = "gadgetflow-web-live";

  /**
   * @param feedBytesByTopic what the live feed read meanwhile, by topic
   */
  record Watched(long events, long eventBytes, java.util.Map<String, Double> feedBytesByTopic) {}

  private WatchedTrace() {}

  static Watched watch(int webPort, String token, String namespace, String trace, Duration during)
      throws Exception {
    AtomicLong events = new AtomicLong();
    AtomicLong eventBytes = new AtomicLong();
    java.util.Map<String, Double> before = feedBytes();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .buildAsync(
                URI.create(
                    "ws://127.0.0.1:%d/api/v1/namespaces/%s/traces/%s/events?replay=0"
                        .formatted(webPort, namespace, trace)),
                new WebSocket.Listener() {
                  private final StringBuilder frame = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    frame.append(data);
                    if (last) {
                      count(frame.toString(), events, eventBytes);
                      frame.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                  }
                })
            .get();
    Thread.sleep(during);
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get();
    java.util.Map<String, Double> after = feedBytes();
    java.util.Map<String, Double> read = new java.util.TreeMap<>();
    after.forEach((topic, bytes) -> read.put(topic, bytes - before.getOrDefault(topic, 0.0)));
    return new Watched(events.get(), eventBytes.get(), read);
  }

  private static void count(String frame, AtomicLong events, AtomicLong bytes) {
    try {
      JsonNode message = Json.mapper().readTree(frame);
      if ("events".equals(message.path("kind").asText())) {
        for (JsonNode event : message.path("events")) {
          events.incrementAndGet();
          bytes.addAndGet(event.toString().length());
        }
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the web UI sent a frame that is not JSON: " + frame, e);
    }
  }

  /** The live feed's consumer's bytes-consumed-total, by topic. */
  static java.util.Map<String, Double> feedBytes() throws Exception {
    return ConsumerBytes.byTopic(LIVE_FEED_CLIENT);
  }
}
