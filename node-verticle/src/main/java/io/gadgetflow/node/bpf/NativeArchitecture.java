package io.gadgetflow.node.bpf;

import java.util.Locale;
import java.util.Set;

/**
 * The processor architectures the node agent runs on, with the sizes of the C types it shares with
 * libc and libbpf that differ between them. The build compiles the programs for the same two (see
 * src/main/bpf/build.sh), and the DaemonSet runs only on nodes of these two.
 */
public enum NativeArchitecture {
  /**
   * glibc packs {@code struct epoll_event} on x86-64 only: 4 bytes of events, 8 of user data. A
   * {@code va_list} is an array of one 24-byte {@code __va_list_tag}. {@code perf_event_open} is
   * system call 298.
   */
  X86_64(Set.of("amd64", "x86_64"), 12, 24, 298),

  /**
   * {@code struct epoll_event} keeps its natural alignment: 4 bytes of events, 4 of padding, 8 of
   * user data. A {@code va_list} is AAPCS64's 32-byte {@code struct __va_list} (three pointers, two
   * ints), which a function taking one receives by reference, as a pointer, like on x86-64. {@code
   * perf_event_open} is system call 241 (the generic table).
   */
  AARCH64(Set.of("aarch64", "arm64"), 16, 32, 241);

  private final Set<String> osArchNames;
  private final long epollEventBytes;
  private final long vaListBytes;
  private final long perfEventOpenSyscall;

  NativeArchitecture(
      Set<String> osArchNames, long epollEventBytes, long vaListBytes, long perfEventOpenSyscall) {
    this.osArchNames = osArchNames;
    this.epollEventBytes = epollEventBytes;
    this.vaListBytes = vaListBytes;
    this.perfEventOpenSyscall = perfEventOpenSyscall;
  }

  /** This machine's, from the {@code os.arch} system property. */
  public static NativeArchitecture current() {
    return named(System.getProperty("os.arch"));
  }

  /**
   * @param osArch a value of the {@code os.arch} system property
   * @throws IllegalStateException saying which architectures the agent runs on, for any other
   */
  static NativeArchitecture named(String osArch) {
    String name = osArch.toLowerCase(Locale.ROOT);
    for (NativeArchitecture architecture : values()) {
      if (architecture.osArchNames.contains(name)) {
        return architecture;
      }
    }
    throw new IllegalStateException(
        "The node agent runs on x86_64 (amd64) and aarch64 (arm64) only, not on " + osArch);
  }

  /** {@code sizeof(struct epoll_event)} */
  long epollEventBytes() {
    return epollEventBytes;
  }

  /** {@code sizeof(va_list)} */
  long vaListBytes() {
    return vaListBytes;
  }

  /** The number of the {@code perf_event_open} system call, which glibc does not wrap. */
  long perfEventOpenSyscall() {
    return perfEventOpenSyscall;
  }
}
