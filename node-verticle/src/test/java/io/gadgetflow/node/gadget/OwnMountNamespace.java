package io.gadgetflow.node.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A shell script run in a mount namespace of its own, for gadgets filtered on it: the test selects
 * the namespace before the script does anything, so that the gadget sees all of the script and
 * nothing of the other processes of this machine.
 */
public final class OwnMountNamespace {
  private OwnMountNamespace() {}

  /**
   * Starts {@code sh -c script} in a new mount namespace, hands the namespace's id to {@code
   * select}, then lets the script run to its end.
   *
   * @return the lines the script wrote on its standard output
   */
  public static List<String> run(LongConsumer select, String script) throws Exception {
    Process shell =
        new ProcessBuilder(
                "unshare", "--mount", "sh", "-c", "readlink /proc/self/ns/mnt; read go; " + script)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> lines;
    try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8));
        Writer in = shell.outputWriter(StandardCharsets.UTF_8)) {
      String link = out.readLine();
      select.accept(Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']'))));
      in.write("go\n");
      in.flush();
      lines = out.lines().toList();
    }
    assertThat(shell.waitFor(30, TimeUnit.SECONDS)).as(script).isTrue();
    assertThat(shell.exitValue()).as(script).isZero();
    return lines;
  }
}
