package io.gadgetflow.local.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports on the loopback interface, where the embedded broker listens. */
final class LoopbackPorts {
  static final String HOST = "127.0.0.1";

  private LoopbackPorts() {}

  static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(HOST, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port on " + HOST, e);
    }
  }

  /**
   * Checks before Kafka starts, because a bind failure inside the broker surfaces only after
   * storage formatting and controller start-up, wrapped in exceptions that name no port.
   */
  static int requireFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // As a listening broker does, so a port left in TIME_WAIT by a stopped broker counts as free.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(HOST, port));
      return port;
    } catch (BindException e) {
      throw new PortInUseException(HOST, port, e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check port " + port + " on " + HOST, e);
    }
  }
}
