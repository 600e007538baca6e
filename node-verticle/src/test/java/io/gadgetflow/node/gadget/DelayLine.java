package io.gadgetflow.node.gadget;

import io.gadgetflow.testing.TestNetwork;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Two new test networks, a client's and a server's, linked point to point by a line that delays
 * every packet by a fixed time each way (src/test/c/delayline/delay_line.c, over a TUN device in
 * each): the round-trip time between {@link #CLIENT_ADDRESS} and {@link #SERVER_ADDRESS} is twice
 * that, whatever the load of the machine adds. This kernel has no netem. Closing it stops the relay
 * and deletes both networks.
 */
public final class DelayLine implements AutoCloseable {
  public static final String CLIENT_ADDRESS = "10.213.0.1";
  public static final String SERVER_ADDRESS = "10.213.0.2";

  private static final Path SOURCE = Path.of("src/test/c/delayline/delay_line.c");
  private static final String DEVICE = "gfdelay";
  private static final long COMMAND_TIMEOUT_SECONDS = 30;

  private final TestNetwork clientNetwork;
  private final TestNetwork serverNetwork;
  private Process relay;

  private DelayLine(TestNetwork clientNetwork, TestNetwork serverNetwork) {
    this.clientNetwork = clientNetwork;
    this.serverNetwork = serverNetwork;
  }

  /**
   * Compiles the relay into {@code binaries}, makes the two networks and links them, each way
   * {@code oneWay} long.
   */
  public static DelayLine linkingNewNetworks(Path binaries, Duration oneWay)
      throws IOException, InterruptedException {
    Path binary = compile(binaries);
    DelayLine line = new DelayLine(TestNetwork.create(), TestNetwork.create());
    try {
      line.relay =
          new ProcessBuilder(
                  binary.toString(),
                  Long.toString(oneWay.toMillis()),
                  DEVICE,
                  line.clientNetwork.name(),
                  line.serverNetwork.name())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      BufferedReader output =
          new BufferedReader(
              new InputStreamReader(line.relay.getInputStream(), StandardCharsets.UTF_8));
      if (!"ready".equals(output.readLine())) {
        throw new IllegalStateException("the delay line did not start");
      }
      configure(line.clientNetwork, CLIENT_ADDRESS, SERVER_ADDRESS);
      configure(line.serverNetwork, SERVER_ADDRESS, CLIENT_ADDRESS);
      return line;
    } catch (RuntimeException | IOException e) {
      line.close();
      throw e;
    }
  }

  public TestNetwork clientNetwork() {
    return clientNetwork;
  }

  public TestNetwork serverNetwork() {
    return serverNetwork;
  }

  /** Stops the relay (it ends when its input closes), then deletes the networks. */
  @Override
  public void close() {
    try {
      if (relay != null) {
        relay.getOutputStream().close();
        if (!relay.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          relay.destroyForcibly();
        }
      }
    } catch (IOException e) {
      relay.destroyForcibly();
    } catch (InterruptedException e) {
      relay.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      clientNetwork.close();
      serverNetwork.close();
    }
  }

  private static void configure(TestNetwork network, String address, String peer) {
    network.run("ip", "addr", "add", address, "peer", peer, "dev", DEVICE);
    network.run("ip", "link", "set", DEVICE, "up");
  }

  private static Path compile(Path directory) throws IOException, InterruptedException {
    Path binary = directory.resolve("delay_line");
    Process cc =
        new ProcessBuilder("cc", "-O2", "-Wall", "-o", binary.toString(), SOURCE.toString())
            .inheritIO()
            .start();
    if (!cc.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS) || cc.exitValue() != 0) {
      throw new IllegalStateException("cc could not build " + SOURCE);
    }
    return binary;
  }
}
