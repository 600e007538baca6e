package io.gadgetflow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl from the PATH (Debian's, {@code /usr/bin/kubectl}), pointed at one cluster. Each
 * call is a new process, as a user's command would be.
 */
final class Kubectl {
  /** kubectl retries an unreachable server for a while; past this the test has a real problem. */
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Path kubeconfig;
  private final Path cacheDir;

  /**
   * @param cacheDir where kubectl caches the API server's discovery documents, kept apart from the
   *     user's {@code ~/.kube/cache}, which would collect one entry per test run's port
   */
  Kubectl(Path kubeconfig, Path cacheDir) {
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
  }

  KubectlResult run(String input, List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + cacheDir);
    command.addAll(arguments);
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run kubectl; is it installed and on the PATH?", e);
    }
    // Both streams are drained while kubectl runs, so a full pipe can never block it.
    CompletableFuture<String> stdout = readAsync(process.getInputStream());
    CompletableFuture<String> stderr = readAsync(process.getErrorStream());
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // kubectl exits without reading its input on bad arguments; its output tells why.
    }
    try {
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT);
      }
      return new KubectlResult(command, process.exitValue(), stdout.get(), stderr.get());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while running " + String.join(" ", command), e);
    } catch (ExecutionException e) {
      throw new UncheckedIOException(
          "Cannot read the output of " + String.join(" ", command), (IOException) e.getCause());
    }
  }

  private static CompletableFuture<String> readAsync(InputStream stream) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.completeExceptionally(e);
              }
            });
    return text;
  }
}
