package io.gadgetflow.web;

import io.gadgetflow.web.access.BearerToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A websocket client of one trace's events. It reads frame by frame as it is asked to; a client
 * made {@link #stalled} reads nothing after the first frame, so TCP pushes back on the server as a
 * browser on a slow link or a frozen tab would, until {@link #resume()}.
 */
final class EventSocketClient implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final StringBuilder partial = new StringBuilder();
  private volatile boolean reading;
  private WebSocket socket;

  private EventSocketClient(boolean reading) {
    this.reading = reading;
  }

  static EventSocketClient reading(String baseUrl, String path, String token) {
    return connect(baseUrl, path, token, null, true);
  }

  static EventSocketClient stalled(String baseUrl, String path, String token) {
    return connect(baseUrl, path, token, null, false);
  }

  /**
   * @return the HTTP status the server refused the handshake with
   */
  static int refusal(String baseUrl, String path, String token, String origin) {
    try {
      connect(baseUrl, path, token, origin, true).close();
      throw new AssertionError("the websocket was accepted");
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw e;
    }
  }

  private static EventSocketClient connect(
      String baseUrl, String path, String token, String origin, boolean reading) {
    EventSocketClient client = new EventSocketClient(reading);
    WebSocket.Builder builder =
        HTTP.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .subprotocols(BearerToken.EVENTS_SUBPROTOCOL);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    if (origin != null) {
      builder.header("Origin", origin);
    }
    client.socket =
        builder
            .buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws") + path), client.listener())
            .orTimeout(30, TimeUnit.SECONDS)
            .join();
    return client;
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      @Override
      public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
      }

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          frames.add(new JsonObject(partial.toString()));
          partial.setLength(0);
        }
        if (reading || !last) {
          webSocket.request(1);
        }
        return null;
      }
    };
  }

  String subprotocol() {
    return socket.getSubprotocol();
  }

  /** Reads on: everything the server queued, then whatever follows. */
  void resume() {
    reading = true;
    socket.request(1);
  }

  /** The next frame, failing when none comes within {@code timeout}. */
  JsonObject next(Duration timeout) {
    try {
      JsonObject frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within " + timeout);
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Frames until one satisfies {@code last}, that one included, within {@code timeout}. */
  List<JsonObject> framesUntil(Predicate<JsonObject> last, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonObject> read = new ArrayList<>();
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new AssertionError("no expected frame within " + timeout + "; read " + read.size());
      }
      JsonObject frame = next(Duration.ofNanos(remaining));
      read.add(frame);
      if (last.test(frame)) {
        return read;
      }
    }
  }

  /** The events of {@code frames} that are event frames, in order. */
  static List<JsonObject> events(List<JsonObject> frames) {
    List<JsonObject> events = new ArrayList<>();
    for (JsonObject frame : frames) {
      if ("events".equals(frame.getString("kind"))) {
        JsonArray batch = frame.getJsonArray("events");
        for (int i = 0; i < batch.size(); i++) {
          events.add(batch.getJsonObject(i));
        }
      }
    }
    return events;
  }

  @Override
  public void close() {
    socket.abort();
  }
}
