package io.gadgetflow.web.live;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the browsers following a trace's events, as {@code gadgetflow_web_websocket_clients}. */
public final class WebSocketClients {
  private final AtomicInteger open = new AtomicInteger();

  public WebSocketClients(MeterRegistry registry) {
    Gauge.builder("gadgetflow.web.websocket.clients", open, AtomicInteger::get)
        .description("Websockets open on this instance, each following one trace's events")
        .register(registry);
  }

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }
}
