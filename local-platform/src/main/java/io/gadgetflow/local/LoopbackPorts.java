package io.gadgetflow.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Ports on the loopback interface, where everything of the local platform listens: nothing it runs
 * is meant to be reached from another machine. The local cluster's servers listen on its own
 * address instead, which this machine alone reaches too; the methods taking a host are for them.
 */
public final class LoopbackPorts {
  public static final String HOST = "127.0.0.1";

  private LoopbackPorts() {}

  /**
   * A port that is free now. Another program may take it before the caller binds it; the servers
   * started here bind within milliseconds, and a lost race fails their start with a clear error.
   */
  public static int freePort() {
    return freePorts(1)[0];
  }

  /** A port of {@code host} that is free now, with the same caveat as {@link #freePort()}. */
  public static int freePort(String host) {
    return freePorts(host, 1)[0];
  }

  /** {@code count} different ports that are free now, with the same caveat as {@link #freePort}. */
  public static int[] freePorts(int count) {
    return freePorts(HOST, count);
  }

  /** {@code count} different ports of {@code host} that are free now. */
  public static int[] freePorts(String host, int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      // All bound at once, so the system cannot hand out one port twice.
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(host, 0));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port on " + host, e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException e) {
          // Closing an unconnected listening socket does not fail in practice; the port is free.
        }
      }
    }
  }

  /**
   * Checks that a server could listen on {@code port}, so callers can name the port in their error
   * instead of a server failing later with exceptions that name none.
   *
   * @throws BindException when the port is taken
   */
  public static void requireFree(int port) throws BindException {
    requireFree(HOST, port);
  }

  /** {@link #requireFree(int)} on {@code host}. */
  public static void requireFree(String host, int port) throws BindException {
    try (ServerSocket socket = new ServerSocket()) {
      // As a listening server does, so a port left in TIME_WAIT by a stopped one counts as free.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
    } catch (BindException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check port " + port + " on " + host, e);
    }
  }
}
