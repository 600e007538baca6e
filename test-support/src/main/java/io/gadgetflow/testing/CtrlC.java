package io.gadgetflow.testing;

import java.util.ArrayList;
import java.util.List;

/** Starting a program that a test stops with SIGINT, as a user stops it with Ctrl-C. */
public final class CtrlC {
  private CtrlC() {}

  /**
   * {@code command} started with SIGINT's default action. A JVM started in the background by a
   * shell without job control (as CI may run the build) inherits SIGINT ignored and passes that on
   * to what it starts, which then never sees a Ctrl-C; perl puts back what a user's terminal gives
   * and then becomes {@code command} (exec), so the process started is the program itself.
   */
  public static List<String> interruptible(List<String> command) {
    List<String> interruptible = new ArrayList<>();
    interruptible.addAll(
        List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"$!\\n\""));
    interruptible.addAll(command);
    return interruptible;
  }
}
