package io.gadgetflow.api.gadget;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Linux signal names and numbers (x86-64 and arm64 agree on 1 to 31), shared by the controller,
 * which validates sigsnoop's {@code signal} parameter, and the node agent, which filters on it and
 * names signals in events.
 */
public final class Signals {
  private static final List<String> NAMES =
      List.of(
          "SIGHUP",
          "SIGINT",
          "SIGQUIT",
          "SIGILL",
          "SIGTRAP",
          "SIGABRT",
          "SIGBUS",
          "SIGFPE",
          "SIGKILL",
          "SIGUSR1",
          "SIGSEGV",
          "SIGUSR2",
          "SIGPIPE",
          "SIGALRM",
          "SIGTERM",
          "SIGSTKFLT",
          "SIGCHLD",
          "SIGCONT",
          "SIGSTOP",
          "SIGTSTP",
          "SIGTTIN",
          "SIGTTOU",
          "SIGURG",
          "SIGXCPU",
          "SIGXFSZ",
          "SIGVTALRM",
          "SIGPROF",
          "SIGWINCH",
          "SIGIO",
          "SIGPWR",
          "SIGSYS");

  /** Real-time signals go up to here; they have no name of their own. */
  public static final int MAX_SIGNAL = 64;

  private Signals() {}

  /**
   * The number of a signal given as a number ({@code 9}) or a name, with or without its prefix and
   * in any case ({@code SIGKILL}, {@code kill}); empty when it is neither.
   */
  public static OptionalInt parse(String value) {
    String trimmed = value.strip();
    try {
      int number = Integer.parseInt(trimmed);
      return number >= 1 && number <= MAX_SIGNAL ? OptionalInt.of(number) : OptionalInt.empty();
    } catch (NumberFormatException notANumber) {
      String upper = trimmed.toUpperCase(Locale.ROOT);
      int index = NAMES.indexOf(upper.startsWith("SIG") ? upper : "SIG" + upper);
      return index < 0 ? OptionalInt.empty() : OptionalInt.of(index + 1);
    }
  }

  /** {@code SIGKILL} for 9; real-time and unknown signals by their number. */
  public static String name(int number) {
    return number >= 1 && number <= NAMES.size() ? NAMES.get(number - 1) : Integer.toString(number);
  }
}
