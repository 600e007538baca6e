package io.gadgetflow.node.gadget;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** C strings in memory the kernel filled, for decoders that make Java values of them. */
public final class CStrings {
  private CStrings() {}

  /**
   * The bytes at {@code offset} up to the first NUL, or {@code maxBytes} of them when there is
   * none, as UTF-8 (an invalid byte becomes U+FFFD).
   */
  public static String read(MemorySegment memory, long offset, int maxBytes) {
    int length = 0;
    while (length < maxBytes && memory.get(JAVA_BYTE, offset + length) != 0) {
      length++;
    }
    return new String(memory.asSlice(offset, length).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
  }
}
