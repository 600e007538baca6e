package io.gadgetflow.node.gadget.advise.seccompprofile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetResults;
import io.gadgetflow.node.gadget.RunningGadget;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records a workload in a mount namespace of its own, then runs it under the generated profile with
 * libseccomp: what was recorded runs, a system call that was not is refused.
 */
class SeccompGadgetIT {
  private static final Path SOURCES = Path.of("src/test/c/seccomp");

  @TempDir static Path binaries;
  static Path launcher;
  static Path workload;

  @BeforeAll
  static void compile() throws Exception {
    launcher = binaries.resolve("launcher");
    workload = binaries.resolve("workload");
    run(List.of("cc", "-O2", "-o", launcher.toString(), source("launcher.c"), "-lseccomp"));
    run(List.of("cc", "-O2", "-o", workload.toString(), source("workload.c")));
  }

  @Test
  void aProfileOfTheRecordedRunAllowsItAndRefusesAnUnrecordedCall() throws Exception {
    try (RunningGadget gadget =
        RunningGadget.start(SeccompGadget.PROGRAM, GadgetOptions.filtered(Set.of()))) {
      recordInMountNamespaceOfItsOwn(gadget, workload.toString());

      SortedSet<String> observed = SeccompGadget.observedSyscalls(gadget);
      assertThat(observed).contains("execve", "write", "exit_group").doesNotContain("sched_yield");

      JsonNode profile = Json.mapper().readTree(GadgetResults.read(gadget).output());
      assertThat(profile.get("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
      assertThat(profile.get("syscalls").get(0).get("action").asText()).isEqualTo("SCMP_ACT_ALLOW");
      List<String> allowed = new ArrayList<>();
      profile.get("syscalls").get(0).get("names").forEach(name -> allowed.add(name.asText()));
      assertThat(allowed).containsExactlyElementsOf(observed);

      String names = String.join(",", allowed);
      assertThat(run(List.of(launcher.toString(), names, workload.toString()))).isEqualTo(0);
      assertThat(run(List.of(launcher.toString(), names, workload.toString(), "extra")))
          .isEqualTo(3);
      // Without the profile the extra call is fine: the refusal is the profile's doing.
      assertThat(run(List.of(workload.toString(), "extra"))).isEqualTo(0);
      assertThat(gadget.lostEvents()).isZero();
    }
  }

  @Test
  void nothingIsRecordedOutsideTheSelectedNamespaces() throws Exception {
    try (RunningGadget gadget =
        RunningGadget.start(SeccompGadget.PROGRAM, GadgetOptions.filtered(Set.of()))) {
      assertThat(run(List.of(workload.toString()))).isEqualTo(0);

      assertThat(SeccompGadget.observedSyscalls(gadget)).isEmpty();
      JsonNode profile = Json.mapper().readTree(GadgetResults.read(gadget).output());
      assertThat(profile.get("syscalls")).isEmpty();
    }
  }

  /**
   * Starts a shell in a new mount namespace that says which one it is and waits; selects that
   * namespace; then lets the shell exec {@code program}, so that everything from that exec on is
   * recorded, and nothing of any other process of this machine.
   */
  private static void recordInMountNamespaceOfItsOwn(RunningGadget gadget, String program)
      throws Exception {
    Process shell =
        new ProcessBuilder(
                "unshare",
                "--mount",
                "sh",
                "-c",
                "readlink /proc/self/ns/mnt; read go; exec " + program)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8));
        Writer in = shell.outputWriter(StandardCharsets.UTF_8)) {
      String link = out.readLine();
      long mountNamespace =
          Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
      gadget.mountNamespaceFilter().select(mountNamespace);
      in.write("go\n");
      in.flush();
      assertThat(out.readLine()).isEqualTo("hello");
    }
    assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(shell.exitValue()).isZero();
  }

  private static String source(String name) {
    return SOURCES.resolve(name).toAbsolutePath().toString();
  }

  private static int run(List<String> command) throws Exception {
    Process process =
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    if (command.getFirst().equals("cc") && process.exitValue() != 0) {
      throw new AssertionError("compiling failed: " + errors);
    }
    return process.exitValue();
  }
}
