package io.gadgetflow.node.gadget;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.StructLayout;

/**
 * C's {@code offsetof} and {@code sizeof} for the layouts that mirror a program's structs, so that
 * a decoder names the member it reads instead of writing down its offset.
 */
public final class CStructs {
  private CStructs() {}

  /**
   * @throws IllegalArgumentException when {@code struct} has no member of that name
   */
  public static long offsetOf(StructLayout struct, String member) {
    return struct.byteOffset(groupElement(member));
  }

  /**
   * @throws IllegalArgumentException when {@code struct} has no member of that name
   */
  public static int sizeOf(StructLayout struct, String member) {
    return Math.toIntExact(struct.select(groupElement(member)).byteSize());
  }
}
