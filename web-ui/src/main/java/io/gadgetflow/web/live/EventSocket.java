package io.gadgetflow.web.live;

import io.gadgetflow.web.live.EventReplay.Replayed;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's live view of one trace. Events come from the instance's {@link LiveFeed} over the
 * event bus and wait in a {@link DroppingQueue} of their own until the socket can take more: a slow
 * browser only ever loses its own oldest waiting events (and is told how many), never slows the
 * feed or another socket, and never holds more than the queue's capacity. On connect, the trace's
 * last events are replayed first; live events that the replay already covered are skipped by their
 * offset.
 */
public final class EventSocket {
  private static final Logger LOG = LoggerFactory.getLogger(EventSocket.class);
  static final int MAX_EVENTS_PER_FRAME = 256;

  private final ServerWebSocket socket;
  private final Context context;
  private final DroppingQueue<LiveEvent> queue;
  private MessageConsumer<LiveEvent> subscription;
  private boolean replaying = true;
  private int replayedPartition = -1;
  private long liveFromOffset = -1;
  private boolean flushScheduled;
  private boolean closed;

  private EventSocket(ServerWebSocket socket, Context context, int queueCapacity) {
    this.socket = socket;
    this.context = context;
    this.queue = new DroppingQueue<>(queueCapacity);
  }

  /**
   * Starts streaming on the current context: subscribes to the trace's live events, sends {@code
   * hello}, then asks for the replay. Subscribing before the replay reads where the topic ends
   * means every event is either replayed or live, none missed.
   */
  public static EventSocket open(
      Vertx vertx,
      ServerWebSocket socket,
      WatchedTrace trace,
      int queueCapacity,
      int replayCount,
      Supplier<Future<Replayed>> replay,
      Runnable onClosed,
      WebSocketClients clients) {
    EventSocket eventSocket = new EventSocket(socket, vertx.getOrCreateContext(), queueCapacity);
    clients.opened();
    socket.closeHandler(
        v -> {
          clients.closed();
          eventSocket.close();
          onClosed.run();
        });
    socket.exceptionHandler(e -> socket.close());
    socket.drainHandler(v -> eventSocket.flush());
    // Browsers have nothing to say on this socket; what they send is read and ignored.
    socket.handler(message -> {});
    eventSocket.subscription =
        vertx
            .eventBus()
            .localConsumer(LiveEvent.address(trace.uid()), m -> eventSocket.onLive(m.body()));
    socket.writeTextMessage(EventFrames.hello(trace, queueCapacity, replayCount));
    replay.get().onComplete(eventSocket::onReplay);
    return eventSocket;
  }

  private void onLive(LiveEvent event) {
    if (closed || (!replaying && isReplayed(event))) {
      return;
    }
    queue.add(event);
    if (!replaying) {
      scheduleFlush();
    }
  }

  private boolean isReplayed(LiveEvent event) {
    return event.partition() == replayedPartition && event.offset() < liveFromOffset;
  }

  private void onReplay(AsyncResult<Replayed> result) {
    if (closed) {
      return;
    }
    if (result.succeeded()) {
      Replayed replayed = result.result();
      List<String> events = replayed.events();
      for (int i = 0; i < events.size(); i += MAX_EVENTS_PER_FRAME) {
        socket.writeTextMessage(
            EventFrames.events(
                events.subList(i, Math.min(events.size(), i + MAX_EVENTS_PER_FRAME)), true));
      }
      socket.writeTextMessage(EventFrames.replayed(events.size(), replayed.complete()));
      replayedPartition = replayed.partition();
      liveFromOffset = replayed.endOffset();
    } else {
      LOG.warn("Earlier events of a trace could not be read from Kafka", result.cause());
      socket.writeTextMessage(
          EventFrames.notice(
              "warn", "Earlier events could not be read from Kafka; showing live events only"));
    }
    replaying = false;
    queue.removeIf(this::isReplayed);
    scheduleFlush();
  }

  /** Flushes once per turn of the event loop, so events that arrived together share a frame. */
  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> flush());
    }
  }

  private void flush() {
    flushScheduled = false;
    if (replaying) {
      // Live events wait until the replayed ones, which come first, are written.
      return;
    }
    while (!closed && !socket.writeQueueFull()) {
      long dropped = queue.takeDropped();
      if (dropped > 0) {
        socket.writeTextMessage(EventFrames.dropped(dropped, queue.droppedTotal()));
        continue;
      }
      if (queue.isEmpty()) {
        return;
      }
      socket.writeTextMessage(
          EventFrames.events(
              queue.take(MAX_EVENTS_PER_FRAME).stream().map(LiveEvent::json).toList(), false));
    }
  }

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    subscription.unregister();
    queue.clear();
  }
}
