package io.gadgetflow.node.gadget;

import io.gadgetflow.testing.TestNetwork;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A point-to-point link between two test networks that delays every packet by a fixed time each way
 * (src/test/c/delayline/delay_line.c, over a TUN device in each): the round-trip time between its
 * two addresses is twice that, whatever the load of the machine adds. This kernel has no netem.
 */
public final class DelayLine implements AutoCloseable {
  private static final Path SOURCE = Path.of("src/test/c/delayline/delay_line.c");
  private static final String DEVICE = "gfdelay";
  private static final long COMMAND_TIMEOUT_SECONDS = 30;

  private final Process relay;

  private DelayLine(Process relay) {
    this.relay = relay;
  }

  /** Compiles the relay into {@code directory}; returns the binary. */
  public static Path compile(Path directory) throws IOException, InterruptedException {
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

  /**
   * Links {@code a}, where the link's end has {@code addressA}, to {@code b}, where it has {@code
   * addressB}, each way {@code oneWay} long.
   */
  public static DelayLine between(
      Path binary, TestNetwork a, String addressA, TestNetwork b, String addressB, Duration oneWay)
      throws IOException {
    Process relay =
        new ProcessBuilder(
                binary.toString(), Long.toString(oneWay.toMillis()), DEVICE, a.name(), b.name())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    DelayLine line = new DelayLine(relay);
    try {
      BufferedReader output =
          new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
      if (!"ready".equals(output.readLine())) {
        throw new IllegalStateException("the delay line did not start");
      }
      for (List<String> end : List.of(List.of(addressA, addressB), List.of(addressB, addressA))) {
        TestNetwork network = end.getFirst().equals(addressA) ? a : b;
        network.run("ip", "addr", "add", end.get(0), "peer", end.get(1), "dev", DEVICE);
        network.run("ip", "link", "set", DEVICE, "up");
      }
      return line;
    } catch (RuntimeException | IOException e) {
      line.close();
      throw e;
    }
  }

  /** Stops the relay (it ends when its input closes); the devices go with their networks. */
  @Override
  public void close() {
    try {
      relay.getOutputStream().close();
      if (!relay.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        relay.destroyForcibly();
      }
    } catch (IOException e) {
      relay.destroyForcibly();
    } catch (InterruptedException e) {
      relay.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
