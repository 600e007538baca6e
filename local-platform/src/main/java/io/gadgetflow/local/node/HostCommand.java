package io.gadgetflow.local.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A program of this machine ({@code ip}, {@code ctr}, {@code umount}) run to its end, for the steps
 * of setting up and tearing down the node that have no Java API.
 */
final class HostCommand {
  private HostCommand() {}

  /**
   * @return what the program wrote on its standard output
   * @throws NodeStartException naming the command and quoting its error output when it fails
   */
  static String run(List<String> command) {
    Result result = attempt(command);
    if (result.exitCode() != 0) {
      throw new NodeStartException(
          "`"
              + String.join(" ", command)
              + "` failed with exit code "
              + result.exitCode()
              + ": "
              + result.error().strip());
    }
    return result.output();
  }

  /** What a run gave, whether it succeeded or not. */
  record Result(int exitCode, String output, String error) {}

  static Result attempt(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      // Both streams read at once, so neither can fill its pipe and stall the program.
      CompletableFuture<String> error =
          CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      String output = readAll(process.getInputStream());
      return new Result(process.waitFor(), output, error.join());
    } catch (IOException e) {
      throw new NodeStartException(
          "Cannot run `" + String.join(" ", command) + "`: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeStartException("Interrupted while running `" + command.getFirst() + "`", e);
    }
  }

  private static String readAll(InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
