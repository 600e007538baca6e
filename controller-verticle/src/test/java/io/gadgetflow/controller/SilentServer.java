package io.gadgetflow.controller;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server that takes every connection and reads what comes, but never answers: a request
 * sent to it waits for good unless its client gives up.
 */
final class SilentServer implements AutoCloseable {
  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();

  private SilentServer(ServerSocket server) {
    this.server = server;
  }

  static SilentServer start() throws IOException {
    SilentServer silent =
        new SilentServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    Thread.ofVirtual().start(silent::accept);
    return silent;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
  }

  /** How many connections it took. */
  int connections() {
    return connections.get();
  }

  private void accept() {
    try {
      while (true) {
        Socket connection = server.accept();
        connections.incrementAndGet();
        Thread.ofVirtual().start(() -> readAll(connection));
      }
    } catch (IOException closed) {
      // the test is over
    }
  }

  private static void readAll(Socket connection) {
    try (connection;
        InputStream in = connection.getInputStream()) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException closed) {
      // the client or the test gave up
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
