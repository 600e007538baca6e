package io.gadgetflow.node.gadget.profile.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * src/test/c/profile/spin.c, built with frame pointers and run in a mount namespace of its own (or
 * this JVM's): it burns CPU in a function of known name, in user mode ({@code
 * gadgetflow_spin_user}) or in the kernel ({@code gadgetflow_spin_kernel}, reading /dev/zero), then
 * waits until it is closed, so that its stacks can be named while it still runs.
 */
final class SpinWorkload implements AutoCloseable {
  static final String COMM = "gadgetflow-spin";
  static final String USER_FUNCTION = "gadgetflow_spin_user";
  static final String KERNEL_WORKLOAD_FUNCTION = "gadgetflow_spin_kernel";
  private static final Path SOURCE = Path.of("src/test/c/profile/spin.c");
  private static Path binary;

  private final Process process;
  private final BufferedReader out;
  private final Writer in;
  private final long pid;
  private final long mountNamespace;

  private SpinWorkload(Process process, BufferedReader out, Writer in, long pid, long mountNs) {
    this.process = process;
    this.out = out;
    this.in = in;
    this.pid = pid;
    this.mountNamespace = mountNs;
  }

  /** The workload's binary, built once for all the tests of this JVM into a temporary folder. */
  static synchronized Path binary() throws Exception {
    if (binary == null) {
      Path directory = Files.createTempDirectory("gadgetflow-spin");
      Path built = directory.resolve(COMM);
      Process cc =
          new ProcessBuilder(
                  "cc",
                  "-O1",
                  "-fno-omit-frame-pointer",
                  "-fno-inline",
                  "-o",
                  built.toString(),
                  SOURCE.toAbsolutePath().toString())
              .inheritIO()
              .start();
      assertThat(cc.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(cc.exitValue()).as("cc " + SOURCE).isZero();
      built.toFile().deleteOnExit();
      directory.toFile().deleteOnExit();
      binary = built;
    }
    return binary;
  }

  /**
   * Starts a shell in a new mount namespace, hands the namespace to {@code select}, then lets the
   * shell become the workload, which spins {@code mode} ({@code user} or {@code kernel}) for {@code
   * seconds}; returns when it begins to spin.
   */
  static SpinWorkload inOwnMountNamespace(String mode, double seconds, LongConsumer select)
      throws Exception {
    return start(List.of("unshare", "--mount"), mode, seconds, select);
  }

  /** The same in this JVM's mount namespace. */
  static SpinWorkload here(String mode, double seconds) throws Exception {
    return start(List.of(), mode, seconds, mountNamespace -> {});
  }

  private static SpinWorkload start(
      List<String> prefix, String mode, double seconds, LongConsumer select) throws Exception {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(
        List.of(
            "sh",
            "-c",
            "echo $$; readlink /proc/self/ns/mnt; read go; exec \"$0\" \"$1\" \"$2\"",
            binary().toString(),
            mode,
            Double.toString(seconds)));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Writer in = process.outputWriter(StandardCharsets.UTF_8);
    long pid = Long.parseLong(out.readLine());
    String link = out.readLine();
    long mountNamespace = Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
    select.accept(mountNamespace);
    in.write("go\n");
    in.flush();
    assertThat(out.readLine()).isEqualTo("ready");
    return new SpinWorkload(process, out, in, pid, mountNamespace);
  }

  /** Waits until it is done spinning; it then waits to be closed. */
  void awaitDone() throws IOException {
    assertThat(out.readLine()).isEqualTo("done");
  }

  long pid() {
    return pid;
  }

  long mountNamespace() {
    return mountNamespace;
  }

  /** Ends the workload: it exits at the end of its input. */
  @Override
  public void close() {
    try {
      in.close();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
