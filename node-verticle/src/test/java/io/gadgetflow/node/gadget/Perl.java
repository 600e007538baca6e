package io.gadgetflow.node.gadget;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Perl script as a child process whose pid the events must carry: Perl is part of every
 * Debian system (perl-base), and its {@code Socket} module and system calls give a test exact
 * control over what the traced process does.
 */
public final class Perl {
  private Perl() {}

  /** A finished script: its pid and exit status. */
  public record Run(long pid, int exitStatus) {}

  /** Runs {@code script} with {@code arguments} to its end. */
  public static Run run(String script, Object... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("perl", "-e", script));
    for (Object argument : arguments) {
      command.add(String.valueOf(argument));
    }
    Process process = new ProcessBuilder(command).inheritIO().start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("perl did not end within 60 s: " + script);
    }
    return new Run(process.pid(), process.exitValue());
  }
}
