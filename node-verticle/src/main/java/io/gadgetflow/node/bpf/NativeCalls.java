package io.gadgetflow.node.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** How the bindings find native functions, and how they learn the errno a call left behind. */
final class NativeCalls {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  /**
   * Where errno-capturing handles store errno. One per thread, so that no call allocates and
   * concurrent callers do not see each other's errno.
   */
  private static final ThreadLocal<MemorySegment> CALL_STATE =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE_LAYOUT));

  /** A C string pointer returned by native code, sized so that any NUL-terminated text is read. */
  static final ValueLayout C_STRING =
      ValueLayout.ADDRESS.withTargetLayout(
          MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

  private NativeCalls() {}

  static SymbolLookup libc() {
    return LINKER.defaultLookup();
  }

  static SymbolLookup library(String name, String debianPackage) {
    try {
      return SymbolLookup.libraryLookup(name, Arena.global());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          name + " cannot be loaded; install the Debian package " + debianPackage, e);
    }
  }

  static MethodHandle downcall(SymbolLookup library, String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(find(library, name), descriptor);
  }

  /** The handle takes the current thread's {@link #callState()} as an extra first argument. */
  static MethodHandle downcallCapturingErrno(
      SymbolLookup library, String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        find(library, name), descriptor, Linker.Option.captureCallState("errno"));
  }

  /**
   * Like {@link #downcallCapturingErrno} for a variadic function; the arguments from {@code
   * firstVariadic} on are its variadic ones, declared in their promoted C types.
   */
  static MethodHandle downcallVariadicCapturingErrno(
      SymbolLookup library, String name, FunctionDescriptor descriptor, int firstVariadic) {
    return LINKER.downcallHandle(
        find(library, name),
        descriptor,
        Linker.Option.firstVariadicArg(firstVariadic),
        Linker.Option.captureCallState("errno"));
  }

  static MemorySegment upcall(MethodHandle target, FunctionDescriptor descriptor) {
    return LINKER.upcallStub(target, descriptor, Arena.global());
  }

  static MemorySegment callState() {
    return CALL_STATE.get();
  }

  /** The errno the last capturing call on this thread left. */
  static int lastErrno() {
    return (int) ERRNO.get(CALL_STATE.get(), 0L);
  }

  static String string(MemorySegment cString) {
    return cString.equals(MemorySegment.NULL) ? null : cString.getString(0);
  }

  /** Native calls throw nothing checked; anything else is a bug in a binding. */
  static RuntimeException unexpected(Throwable thrown) {
    if (thrown instanceof RuntimeException runtime) {
      return runtime;
    }
    if (thrown instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(thrown);
  }

  private static MemorySegment find(SymbolLookup library, String name) {
    return library
        .find(name)
        .orElseThrow(() -> new IllegalStateException("native function " + name + " not found"));
  }
}
