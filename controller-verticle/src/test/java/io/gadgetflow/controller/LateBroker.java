package io.gadgetflow.controller;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;

/**
 * A broker address that is not up yet: until {@link #comeUp()}, it closes every connection (as a
 * broker still starting would not answer), noting when; afterwards it forwards each to the real
 * broker. Kafka clients only bootstrap through it: the metadata they read names the real broker.
 */
final class LateBroker implements AutoCloseable {
  private final HostAndPort broker;
  private final NetServer server;
  private final NetClient client;
  private volatile boolean up;

  /** System.nanoTime() of the first and the latest connection turned away; 0 before any. */
  private volatile long firstTurnedAway;

  private volatile long lastTurnedAway;

  private LateBroker(Vertx vertx, HostAndPort broker) {
    this.broker = broker;
    this.server = vertx.createNetServer().connectHandler(this::accept);
    this.client = vertx.createNetClient();
  }

  /** Listens on a free loopback port for the broker at {@code bootstrapServers} (host:port). */
  static LateBroker start(Vertx vertx, String bootstrapServers) {
    LateBroker late = new LateBroker(vertx, HostAndPort.parseAuthority(bootstrapServers, -1));
    Harness.await(late.server.listen(0, "127.0.0.1"));
    return late;
  }

  String bootstrapServers() {
    return "127.0.0.1:" + server.actualPort();
  }

  /** From the first connection turned away to the latest; zero before any. */
  Duration turningAwayFor() {
    return Duration.ofNanos(lastTurnedAway - firstTurnedAway);
  }

  void comeUp() {
    up = true;
  }

  private void accept(NetSocket socket) {
    if (!up) {
      lastTurnedAway = System.nanoTime();
      if (firstTurnedAway == 0) {
        firstTurnedAway = lastTurnedAway;
      }
      socket.close();
      return;
    }
    socket.pause();
    client
        .connect(broker.port(), broker.host())
        .onSuccess(
            forwarded -> {
              socket.pipeTo(forwarded);
              forwarded.pipeTo(socket);
              socket.resume();
            })
        .onFailure(e -> socket.close());
  }

  @Override
  public void close() {
    Harness.await(Future.join(server.close(), client.close()));
  }
}
