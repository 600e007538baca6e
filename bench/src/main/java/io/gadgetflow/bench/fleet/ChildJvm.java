package io.gadgetflow.bench.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program of the bench's class path in a JVM of its own, its standard output read line by line by
 * a thread, its standard error in a file: for the controller and for `kubectl gadget`, whose CPU
 * time and output the fleet measures apart from the agents'.
 */
final class ChildJvm implements AutoCloseable {
  /** Called on the reading thread with each line and when it was read (epoch micros). */
  interface LineListener {
    void onLine(String line, long epochMicros);
  }

  private final Process process;
  private final Thread reader;

  private ChildJvm(Process process, LineListener lines) {
    this.process = process;
    this.reader =
        Thread.ofPlatform()
            .name("fleet-child-" + process.pid())
            .start(
                () -> {
                  try (BufferedReader out =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                      lines.onLine(line, Clocks.epochMicros());
                    }
                  } catch (IOException e) {
                    // The process ended.
                  }
                });
  }

  static ChildJvm start(
      String mainClass,
      List<String> jvmOptions,
      List<String> args,
      Map<String, String> env,
      Path stderr,
      LineListener lines)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Files.createDirectories(stderr.getParent());
    builder.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    return new ChildJvm(builder.start(), lines);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** User and system CPU time of the process so far, in seconds. */
  double cpuSeconds() {
    return cpuSeconds(process.pid());
  }

  /** User and system CPU time of process {@code pid} so far, in seconds (from /proc). */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime, fields 14 and 15 of stat(5), in clock ticks of 1/100 s.
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  /**
   * Sends SIGINT, as Ctrl-C does; SIGTERM when this process ignores SIGINT (started in the
   * background by a shell without job control), since its children then ignore it too and would
   * never end. The JVM runs its shutdown hooks on either.
   */
  void interrupt() throws IOException, InterruptedException {
    String signal = ignoresSigint() ? "-TERM" : "-INT";
    new ProcessBuilder("kill", signal, Long.toString(process.pid())).start().waitFor();
  }

  /** Whether SIGINT (signal 2) is in this process's ignored set, proc(5)'s SigIgn mask. */
  private static boolean ignoresSigint() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 1)) != 0;
      }
    }
    return false;
  }

  boolean awaitExit(Duration timeout) throws InterruptedException {
    boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (exited) {
      reader.join();
    }
    return exited;
  }

  int exitValue() {
    return process.exitValue();
  }

  /** Closes its standard input (the controller's signal to stop), then ends it if need be. */
  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!awaitExit(Duration.ofSeconds(20))) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(20));
    }
  }
}
