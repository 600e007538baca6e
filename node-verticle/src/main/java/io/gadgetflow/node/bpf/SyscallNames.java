package io.gadgetflow.node.bpf;

import static io.gadgetflow.node.bpf.NativeCalls.downcall;
import static io.gadgetflow.node.bpf.NativeCalls.unexpected;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * System call names of this machine's architecture, by number, from libseccomp: the names seccomp
 * profiles use, and the library that will load those profiles agrees with them.
 */
public final class SyscallNames {
  /** libseccomp's {@code SCMP_ARCH_NATIVE}. */
  private static final int NATIVE_ARCHITECTURE = 0;

  private static final SymbolLookup LIBSECCOMP =
      NativeCalls.library("libseccomp.so.2", "libseccomp2");
  private static final MethodHandle RESOLVE_NUMBER =
      downcall(
          LIBSECCOMP,
          "seccomp_syscall_resolve_num_arch",
          FunctionDescriptor.of(NativeCalls.C_STRING, JAVA_INT, JAVA_INT));
  private static final MethodHandle FREE =
      downcall(NativeCalls.libc(), "free", FunctionDescriptor.ofVoid(ADDRESS));

  private SyscallNames() {}

  /** The name of system call {@code number}, or empty when this architecture has none. */
  public static Optional<String> of(int number) {
    try {
      MemorySegment name = (MemorySegment) RESOLVE_NUMBER.invokeExact(NATIVE_ARCHITECTURE, number);
      if (name.equals(MemorySegment.NULL)) {
        return Optional.empty();
      }
      try {
        return Optional.of(NativeCalls.string(name));
      } finally {
        FREE.invokeExact(name);
      }
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }
}
