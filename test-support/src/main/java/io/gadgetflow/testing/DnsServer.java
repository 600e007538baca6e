package io.gadgetflow.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A real DNS server for tests: Debian's dnsmasq, answering on port 53 of the addresses it is given
 * with known records only. {@code known.test} has the A record {@value #KNOWN_IPV4} and the AAAA
 * record {@value #KNOWN_IPV6}; any other name under {@code test.} is NXDOMAIN. Nothing is asked of
 * another server. Queries go through Debian's dig.
 */
public final class DnsServer implements AutoCloseable {
  public static final String KNOWN_NAME = "known.test";
  public static final String MISSING_NAME = "missing.test";
  public static final String KNOWN_IPV4 = "192.0.2.7";
  public static final String KNOWN_IPV6 = "2001:db8::7";
  private static final long START_TIMEOUT_SECONDS = 30;

  private final Process process;
  private final Function<List<String>, List<String>> inPlace;
  private final String address;

  private DnsServer(Process process, Function<List<String>, List<String>> inPlace, String address) {
    this.process = process;
    this.inPlace = inPlace;
    this.address = address;
  }

  /** The first address it serves on. */
  public String address() {
    return address;
  }

  /** {@link #query(String, String, String)} of its first address. */
  public Answer query(String name, String type) {
    return query(address, name, type);
  }

  /** Serves on {@code addresses} (e.g. 127.0.0.1 and ::1) of {@code network}'s loopback. */
  public static DnsServer startIn(TestNetwork network, String... addresses) {
    return start(
        command -> network.start(command.toArray(String[]::new)),
        command -> inNetwork(network, command),
        addresses);
  }

  /**
   * Serves on a loopback address of its own on this machine (127.53.x.y, {@link #address()}), so
   * that no other server's port 53 is in the way.
   */
  public static DnsServer startOnHost() {
    SecureRandom random = new SecureRandom();
    return startOnHost("127.53." + (1 + random.nextInt(254)) + "." + (1 + random.nextInt(254)));
  }

  /** Serves on {@code addresses} of this machine. */
  public static DnsServer startOnHost(String... addresses) {
    return start(
        command -> {
          try {
            return new ProcessBuilder(command).start();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot start dnsmasq", e);
          }
        },
        command -> command,
        addresses);
  }

  /**
   * Asks {@code server} for {@code name} of {@code type} (A, AAAA) with dig, from where the server
   * runs; returns dig's short answer and the pid dig ran as.
   */
  public Answer query(String server, String name, String type) {
    List<String> command =
        inPlace.apply(List.of("dig", "+short", "+tries=1", "+time=5", "@" + server, name, type));
    try {
      Process dig = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!dig.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS) || dig.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
      return new Answer(dig.pid(), output.strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What dig printed with {@code +short}, and its pid. */
  public record Answer(long pid, String output) {}

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The server as a shell command line, for a shell that runs it where it should serve. */
  public static String shellCommand(String... addresses) {
    return String.join(" ", command(addresses));
  }

  private static List<String> command(String... addresses) {
    return List.of(
        "dnsmasq",
        "--no-daemon",
        "--conf-file=/dev/null",
        "--no-resolv",
        "--no-hosts",
        "--bind-interfaces",
        "--port=53",
        "--pid-file=",
        "--listen-address=" + String.join(",", addresses),
        "--address=/" + KNOWN_NAME + "/" + KNOWN_IPV4,
        "--address=/" + KNOWN_NAME + "/" + KNOWN_IPV6,
        "--local=/test/");
  }

  private static DnsServer start(
      Function<List<String>, Process> launcher,
      Function<List<String>, List<String>> inPlace,
      String... addresses) {
    Process process = launcher.apply(command(addresses));
    DnsServer server = new DnsServer(process, inPlace, addresses[0]);
    try {
      awaitStarted(process);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * dnsmasq says "started" on stderr once its sockets are bound; what it says after is read too, to
   * the end, so that it never writes to a full or closed pipe.
   */
  private static void awaitStarted(Process process) {
    CompletableFuture<String> started = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("dnsmasq-stderr")
        .start(
            () -> {
              StringBuilder seen = new StringBuilder();
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  seen.append(line).append('\n');
                  if (line.startsWith("dnsmasq: started")) {
                    started.complete(seen.toString());
                  }
                }
              } catch (IOException e) {
                started.completeExceptionally(e);
              }
              started.completeExceptionally(new IllegalStateException("dnsmasq exited: " + seen));
            });
    try {
      started.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("dnsmasq did not start", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("dnsmasq did not start in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<String> inNetwork(TestNetwork network, List<String> command) {
    List<String> inNamespace = new ArrayList<>(List.of("ip", "netns", "exec", network.name()));
    inNamespace.addAll(command);
    return inNamespace;
  }
}
