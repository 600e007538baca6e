package io.gadgetflow.node.bpf;

import java.util.List;

/**
 * A libbpf call failed. Carries the errno and what libbpf logged during the call (for a program the
 * verifier refused, the verifier's log), because errno alone rarely says what went wrong.
 */
public final class LibbpfException extends RuntimeException {
  private final int errno;
  private final List<String> libbpfLog;

  LibbpfException(String call, int errno, List<String> libbpfLog) {
    super(message(call, errno, libbpfLog));
    this.errno = errno;
    this.libbpfLog = List.copyOf(libbpfLog);
  }

  private LibbpfException(String message, LibbpfException cause) {
    super(message, cause);
    this.errno = cause.errno;
    this.libbpfLog = cause.libbpfLog;
  }

  /** The same failure, its message led by what it means for the user. */
  LibbpfException explained(String meaning) {
    return new LibbpfException(meaning + " (" + getMessage() + ")", this);
  }

  public int errno() {
    return errno;
  }

  /** What libbpf printed on the failing thread during the call, oldest first. */
  public List<String> libbpfLog() {
    return libbpfLog;
  }

  private static String message(String call, int errno, List<String> libbpfLog) {
    StringBuilder message =
        new StringBuilder(call)
            .append(" failed: ")
            .append(Libc.strerror(errno))
            .append(" (errno ")
            .append(errno)
            .append(')');
    if (!libbpfLog.isEmpty()) {
      message.append("; libbpf said:");
      for (String line : libbpfLog) {
        message.append('\n').append(line);
      }
    }
    return message.toString();
  }
}
