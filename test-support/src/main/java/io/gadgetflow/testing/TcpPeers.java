package io.gadgetflow.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * TCP connections between known ports inside a {@link TestNetwork}, made by a Perl process (the
 * script {@code tcp-peer.pl} beside this class) whose pid, command name ({@code perl}) and mount
 * namespace own the sockets: what the TCP gadgets report. Each peer is stopped with its network.
 */
public final class TcpPeers {
  private static final String SCRIPT = "tcp-peer.pl";
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private TcpPeers() {}

  /** A client connected to a server, both in {@code network} on {@code address}. */
  public static Pair pair(TestNetwork network, String address) {
    Peer peer = Peer.start(network, "pair", address);
    String[] ports = peer.awaitLine("ports").split(" ");
    return new Pair(peer, Integer.parseInt(ports[1]), Integer.parseInt(ports[2]));
  }

  /**
   * A server on {@code address} in {@code network} that echoes what its one client sends. It and
   * its {@link #client} run at a real-time priority, so that the round trips between them do not
   * grow with the machine's load.
   */
  public static Server echoServer(TestNetwork network, String address) {
    Peer peer = Peer.startRealTime(network, "echo", address);
    return new Server(peer, Integer.parseInt(peer.awaitLine("port").split(" ")[1]));
  }

  /** A client in {@code network} connected to a server at {@code address} and {@code port}. */
  public static Client client(TestNetwork network, String address, int port) {
    Peer peer = Peer.startRealTime(network, "client", address, Integer.toString(port));
    return new Client(peer, Integer.parseInt(peer.awaitLine("port").split(" ")[1]));
  }

  /**
   * Connects from a socket bound to {@code address} in {@code network} to {@code port} there, where
   * nobody listens; returns the client's port once the connection was refused.
   */
  public static int refusedConnection(TestNetwork network, String address, int port) {
    Peer peer = Peer.start(network, "refused", address, Integer.toString(port));
    int clientPort = Integer.parseInt(peer.awaitLine("port").split(" ")[1]);
    peer.awaitLine("refused");
    return clientPort;
  }

  /** Both ends of one connection, in one process. */
  public record Pair(Peer peer, int clientPort, int serverPort) {
    /** Sends from the client without waiting for the server to receive it. */
    public void startSending(int bytes) {
      peer.command("send " + bytes);
    }

    /** Waits until the server received what {@link #startSending} sent. */
    public void awaitReceived(int bytes, Duration timeout) {
      peer.awaitLine("received " + bytes, timeout);
    }

    public long pid() {
      return peer.pid();
    }
  }

  public record Server(Peer peer, int port) {
    public long pid() {
      return peer.pid();
    }
  }

  public record Client(Peer peer, int port) {
    /** Exchanges 100 bytes with the echo server {@code count} times, one round trip each. */
    public void pingPong(int count, Duration timeout) {
      peer.command("pingpong " + count);
      peer.awaitLine("done " + count, timeout);
    }

    public long pid() {
      return peer.pid();
    }
  }

  /** The Perl process, its commands and its answers. */
  public static final class Peer {
    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder errors = new StringBuilder();

    private Peer(Process process) {
      this.process = process;
      this.commands = process.getOutputStream();
      Thread.ofPlatform()
          .daemon()
          .name("tcp-peer-out")
          .start(() -> readLines(process.getInputStream(), lines));
      Thread.ofPlatform()
          .daemon()
          .name("tcp-peer-err")
          .start(() -> readErrors(process.getErrorStream()));
    }

    static Peer start(TestNetwork network, String... arguments) {
      return new Peer(network.start(command(List.of(), arguments)));
    }

    /** With chrt(1) of util-linux, which execs the script: pid and command name stay perl's. */
    static Peer startRealTime(TestNetwork network, String... arguments) {
      return new Peer(network.start(command(List.of("chrt", "--fifo", "10"), arguments)));
    }

    private static String[] command(List<String> prefix, String... arguments) {
      List<String> command = new ArrayList<>(prefix);
      command.addAll(List.of("perl", "-e", script()));
      command.addAll(List.of(arguments));
      return command.toArray(String[]::new);
    }

    public long pid() {
      return process.pid();
    }

    void command(String line) {
      try {
        commands.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("the TCP peer took no command: " + errors(), e);
      }
    }

    String awaitLine(String prefix) {
      return awaitLine(prefix, ANSWER_TIMEOUT);
    }

    /** The next line of the peer, which must start with {@code prefix}. */
    String awaitLine(String prefix, Duration timeout) {
      try {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null || !line.startsWith(prefix)) {
          throw new IllegalStateException(
              "the TCP peer answered %s instead of %s...: %s".formatted(line, prefix, errors()));
        }
        return line;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private String errors() {
      synchronized (errors) {
        return errors.toString();
      }
    }

    private static void readLines(InputStream output, BlockingQueue<String> lines) {
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // The peer was stopped.
      }
    }

    private void readErrors(InputStream error) {
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(error, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          synchronized (errors) {
            errors.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        // The peer was stopped.
      }
    }

    private static String script() {
      try (InputStream in = TcpPeers.class.getResourceAsStream(SCRIPT)) {
        if (in == null) {
          throw new IllegalStateException("no " + SCRIPT + " beside " + TcpPeers.class);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
