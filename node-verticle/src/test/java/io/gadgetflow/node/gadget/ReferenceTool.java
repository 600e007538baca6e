package io.gadgetflow.node.gadget;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A libbpf-tools program (Debian's {@code libbpf-tools}, in /usr/sbin) tracing beside a gadget, its
 * output read line by line: the reference a comparison test holds the gadget's events to. Its
 * output is line-buffered through stdbuf, since it writes to a pipe; closing it sends SIGINT, on
 * which the tools detach and exit.
 */
public final class ReferenceTool implements AutoCloseable {
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ReferenceTool(Process process) {
    this.process = process;
    this.reader =
        Thread.ofPlatform()
            .name("reference-tool-reader")
            .start(
                () -> {
                  try (BufferedReader out =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                      lines.add(line);
                    }
                  } catch (IOException ended) {
                    // The tool was stopped.
                  }
                });
  }

  /**
   * Starts {@code /usr/sbin/<tool>} and waits until it printed a line matching {@code attached}
   * (its header, which libbpf-tools print once their programs are attached).
   */
  public static ReferenceTool start(String tool, Predicate<String> attached, String... arguments)
      throws IOException, InterruptedException {
    Path program = Path.of("/usr/sbin", tool);
    if (!Files.isExecutable(program)) {
      throw new AssertionError(program + " is missing: install the Debian package libbpf-tools");
    }
    List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", program.toString()));
    command.addAll(List.of(arguments));
    ReferenceTool started =
        new ReferenceTool(
            new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    started.await(attached, 1);
    return started;
  }

  /** Waits until {@code count} lines match; fails the test if they do not come in time. */
  public List<String> await(Predicate<String> matching, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (System.nanoTime() < deadline) {
      List<String> matched = lines.stream().filter(matching).toList();
      if (matched.size() >= count) {
        return matched;
      }
      if (!process.isAlive() && !reader.isAlive()) {
        break;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("expected " + count + " matching lines, got " + lines);
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    } catch (IOException e) {
      process.destroy();
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
  }
}
