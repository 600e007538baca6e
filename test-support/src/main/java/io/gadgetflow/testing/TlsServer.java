package io.gadgetflow.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A real TLS server for tests: OpenSSL's {@code s_server} with a self-signed certificate of its
 * own, and {@code s_client} handshakes with it, from where it runs, with the server name a test
 * chooses.
 */
public final class TlsServer implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = 30;

  private final Process process;
  private final Function<List<String>, List<String>> inPlace;
  private final String address;
  private final Path directory;

  private TlsServer(
      Process process,
      Function<List<String>, List<String>> inPlace,
      String address,
      Path directory) {
    this.process = process;
    this.inPlace = inPlace;
    this.address = address;
    this.directory = directory;
  }

  /** Serves on {@code address} ({@code 127.0.0.1:4433}, {@code [::1]:4434}) of {@code network}. */
  public static TlsServer startIn(TestNetwork network, String address) {
    return start(
        command -> network.start(command.toArray(String[]::new)),
        command -> {
          List<String> inNamespace =
              new ArrayList<>(List.of("ip", "netns", "exec", network.name()));
          inNamespace.addAll(command);
          return inNamespace;
        },
        address);
  }

  /** Serves on port 4433 of a loopback address of its own on this machine (127.44.x.y). */
  public static TlsServer startOnHost() {
    SecureRandom random = new SecureRandom();
    String address =
        "127.44." + (1 + random.nextInt(254)) + "." + (1 + random.nextInt(254)) + ":4433";
    return start(
        command -> {
          try {
            return new ProcessBuilder(command).start();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot start s_server", e);
          }
        },
        command -> command,
        address);
  }

  public String address() {
    return address;
  }

  /**
   * One handshake, then the client closes; returns the client's pid.
   *
   * @param serverName the name the ClientHello asks for, or null for a hello without one
   */
  public long handshake(String serverName) {
    List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", address));
    command.addAll(
        serverName == null ? List.of("-noservername") : List.of("-servername", serverName));
    try {
      Process client = new ProcessBuilder(inPlace.apply(command)).redirectErrorStream(true).start();
      client.getOutputStream().close();
      client.getInputStream().transferTo(OutputStream.nullOutputStream());
      if (!client.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        client.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end");
      }
      return client.pid();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static TlsServer start(
      Function<List<String>, Process> launcher,
      Function<List<String>, List<String>> inPlace,
      String address) {
    Path directory;
    try {
      directory = Files.createTempDirectory("gadgetflow-tls");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path key = directory.resolve("key.pem");
    Path certificate = directory.resolve("certificate.pem");
    TestNetwork.command(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=gadgetflow.test",
        "-keyout",
        key.toString(),
        "-out",
        certificate.toString());
    Process process =
        launcher.apply(
            List.of(
                "openssl",
                "s_server",
                "-accept",
                address,
                "-cert",
                certificate.toString(),
                "-key",
                key.toString()));
    TlsServer server = new TlsServer(process, inPlace, address, directory);
    try {
      awaitAccepting(process, address);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * s_server prints ACCEPT once it listens; what it prints about each connection after is read too,
   * to the end, so that it never writes to a full or closed pipe.
   */
  private static void awaitAccepting(Process process, String address) {
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    try {
      while ((line = lines.readLine()) != null && !line.startsWith("ACCEPT")) {
        // Set-up lines.
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (line == null) {
      throw new IllegalStateException("s_server on " + address + " exited");
    }
    Thread.ofPlatform()
        .daemon()
        .name("s_server-output")
        .start(
            () -> {
              try {
                lines.transferTo(Writer.nullWriter());
              } catch (IOException ended) {
                // The server was stopped.
              }
            });
  }
}
