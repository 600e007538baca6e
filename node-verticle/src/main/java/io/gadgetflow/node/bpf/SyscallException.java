package io.gadgetflow.node.bpf;

/** A system call the BPF runtime made failed. */
public final class SyscallException extends RuntimeException {
  private final int errno;

  SyscallException(String call, int errno) {
    super(call + " failed: " + Libc.strerror(errno) + " (errno " + errno + ")");
    this.errno = errno;
  }

  /** Returns a non-negative {@code result}, or throws for a {@code -errno} one. */
  static long check(long result, String call) {
    if (result < 0) {
      throw new SyscallException(call, (int) -result);
    }
    return result;
  }

  static int check(int result, String call) {
    return (int) check((long) result, call);
  }

  public int errno() {
    return errno;
  }
}
