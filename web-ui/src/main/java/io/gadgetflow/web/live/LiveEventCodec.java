package io.gadgetflow.web.live;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Lets {@link LiveEvent}s travel the event bus as they are. Events only ever go to sockets of the
 * same process, so the object is handed over, never copied or encoded.
 */
public final class LiveEventCodec implements MessageCodec<LiveEvent, LiveEvent> {
  @Override
  public void encodeToWire(Buffer buffer, LiveEvent event) {
    throw new UnsupportedOperationException("live events stay in this process");
  }

  @Override
  public LiveEvent decodeFromWire(int position, Buffer buffer) {
    throw new UnsupportedOperationException("live events stay in this process");
  }

  @Override
  public LiveEvent transform(LiveEvent event) {
    return event;
  }

  @Override
  public String name() {
    return "gadgetflow-live-event";
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
