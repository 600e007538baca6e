package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Receives libbpf's log through {@code libbpf_set_print} and keeps, per thread, what libbpf said
 * since the current call began, so a {@link LibbpfException} can quote it. libbpf logs on the
 * calling thread, which is what makes a thread-local buffer the right scope.
 */
final class LibbpfLog {
  private static final System.Logger LOGGER = System.getLogger("io.gadgetflow.node.bpf.libbpf");

  /** {@code enum libbpf_print_level}: LIBBPF_WARN, LIBBPF_INFO, LIBBPF_DEBUG. */
  private static final int LIBBPF_INFO = 1;

  /** The verifier's log can run to thousands of lines; its verdict is at the end. */
  private static final int LINES_KEPT = 64;

  private static final int MAX_LINE_CHARS = 4096;

  /**
   * A callback receives its {@code va_list} as a pointer, on x86-64 because it is an array, on
   * arm64 because it is a struct of more than 16 bytes; copying the bytes it points to is what
   * {@code va_copy} does.
   */
  private static final long VA_LIST_BYTES = NativeArchitecture.current().vaListBytes();

  private static final ThreadLocal<ArrayDeque<String>> LINES_SINCE_CALL_START =
      ThreadLocal.withInitial(ArrayDeque::new);

  /** {@code int (*)(enum libbpf_print_level, const char *, va_list)} */
  static final MemorySegment CALLBACK = callbackStub();

  private LibbpfLog() {}

  static void callStarts() {
    LINES_SINCE_CALL_START.get().clear();
  }

  static List<String> linesSinceCallStart() {
    return List.copyOf(LINES_SINCE_CALL_START.get());
  }

  /** Never throws: an exception escaping an upcall would end the JVM. */
  private static int print(int level, MemorySegment format, MemorySegment vaList) {
    try {
      boolean quotedInErrors = level <= LIBBPF_INFO;
      Level loggerLevel = quotedInErrors ? Level.DEBUG : Level.TRACE;
      if (!quotedInErrors && !LOGGER.isLoggable(loggerLevel)) {
        return 0;
      }
      String text = format(format, vaList);
      LOGGER.log(loggerLevel, text.stripTrailing());
      if (quotedInErrors) {
        keep(text);
      }
    } catch (Throwable ignored) {
      // Losing one log line is better than losing the process.
    }
    return 0;
  }

  private static String format(MemorySegment format, MemorySegment vaList) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment vaListCopy = arena.allocate(VA_LIST_BYTES, 8);
      vaListCopy.copyFrom(vaList.reinterpret(VA_LIST_BYTES));
      int length = Libc.vsnprintf(MemorySegment.NULL, 0, format, vaListCopy);
      if (length < 0) {
        return "";
      }
      MemorySegment text = arena.allocate(length + 1L);
      Libc.vsnprintf(text, length + 1L, format, vaList);
      return text.getString(0);
    }
  }

  private static void keep(String text) {
    ArrayDeque<String> lines = LINES_SINCE_CALL_START.get();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (lines.size() == LINES_KEPT) {
        lines.removeFirst();
      }
      lines.addLast(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) : line);
    }
  }

  private static MemorySegment callbackStub() {
    try {
      var print =
          MethodHandles.lookup()
              .findStatic(
                  LibbpfLog.class,
                  "print",
                  MethodType.methodType(
                      int.class, int.class, MemorySegment.class, MemorySegment.class));
      return NativeCalls.upcall(print, FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
