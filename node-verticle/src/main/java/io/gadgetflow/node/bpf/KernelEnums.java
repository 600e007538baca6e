package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * The values of the running kernel's enums, by name, from its BTF ({@code /sys/kernel/btf/vmlinux},
 * read through libbpf): for numbers whose meaning changes from one kernel version to the next, such
 * as {@code enum skb_drop_reason}, where a table built into the agent would go stale.
 */
public final class KernelEnums {
  private static final int BTF_KIND_ENUM = 6;
  private static final int BTF_KIND_ENUM64 = 19;

  /** {@code struct btf_type}: name_off, info (vlen in the low 16 bits), size. */
  private static final long BTF_TYPE_BYTES = 12;

  /** {@code struct btf_enum}: name_off, val. */
  private static final long BTF_ENUM_BYTES = 8;

  /** {@code struct btf_enum64}: name_off, val_lo32, val_hi32. */
  private static final long BTF_ENUM64_BYTES = 12;

  private KernelEnums() {}

  /**
   * The names of {@code enum <enumName>}'s values, by value.
   *
   * @throws IllegalArgumentException when the kernel has no such enum
   * @throws LibbpfException when the kernel's BTF cannot be read
   */
  public static Map<Long, String> valueNames(String enumName) {
    MemorySegment btf = Libbpf.btfLoadVmlinux();
    try (Arena scratch = Arena.ofConfined()) {
      MemorySegment name = scratch.allocateFrom(enumName);
      int kind = BTF_KIND_ENUM;
      int typeId = Libbpf.btfFindByNameKind(btf, name, kind);
      if (typeId < 0) {
        kind = BTF_KIND_ENUM64;
        typeId = Libbpf.btfFindByNameKind(btf, name, kind);
      }
      if (typeId < 0) {
        throw new IllegalArgumentException("the kernel's BTF has no enum " + enumName);
      }
      long entryBytes = kind == BTF_KIND_ENUM ? BTF_ENUM_BYTES : BTF_ENUM64_BYTES;
      int values = Libbpf.btfTypeById(btf, typeId).reinterpret(BTF_TYPE_BYTES).get(JAVA_INT, 4);
      values &= 0xffff;
      MemorySegment entries =
          Libbpf.btfTypeById(btf, typeId)
              .reinterpret(BTF_TYPE_BYTES + values * entryBytes)
              .asSlice(BTF_TYPE_BYTES);
      Map<Long, String> names = new HashMap<>();
      for (int i = 0; i < values; i++) {
        MemorySegment entry = entries.asSlice(i * entryBytes, entryBytes);
        long value =
            kind == BTF_KIND_ENUM
                ? entry.get(JAVA_INT, 4)
                : Integer.toUnsignedLong(entry.get(JAVA_INT, 4))
                    | (long) entry.get(JAVA_INT, 8) << 32;
        names.put(value, Libbpf.btfNameByOffset(btf, entry.get(JAVA_INT, 0)));
      }
      return Map.copyOf(names);
    } finally {
      Libbpf.btfFree(btf);
    }
  }
}
