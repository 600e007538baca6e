package io.gadgetflow.node.symbols;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The functions of an executable or shared library, from its symbol tables ({@code .symtab} when it
 * was not stripped, and {@code .dynsym}), found by where the file's bytes are: the offset an
 * instruction pointer has in the file mapped into a process. Of the names an address has ({@code
 * getpid} and {@code __getpid}), the one with the fewest leading underscores.
 */
public final class ElfSymbols {
  private static final int SYMBOL_BYTES = 24;
  private static final int TYPE_FUNCTION = 2;
  private static final int TYPE_INDIRECT_FUNCTION = 10;
  private static final int UNDEFINED_SECTION = 0;

  private final List<ElfFile.Segment> segments;

  /** Sorted by address; ties keep the first symbol table's name. */
  private final long[] starts;

  private final long[] sizes;
  private final String[] names;

  private ElfSymbols(List<ElfFile.Segment> segments, long[] starts, long[] sizes, String[] names) {
    this.segments = segments;
    this.starts = starts;
    this.sizes = sizes;
    this.names = names;
  }

  public static ElfSymbols of(ElfFile elf) {
    record Function(long start, long size, String name) {}
    List<Function> functions = new ArrayList<>();
    for (ElfFile.Section table : elf.sections()) {
      if (table.type() != ElfFile.SECTION_SYMBOL_TABLE
          && table.type() != ElfFile.SECTION_DYNAMIC_SYMBOLS) {
        continue;
      }
      if (table.link() <= 0 || table.link() >= elf.sections().size()) {
        continue;
      }
      ByteBuffer symbols = elf.contents(table);
      ByteBuffer strings = elf.contents(elf.sections().get(table.link()));
      for (int at = 0; at + SYMBOL_BYTES <= symbols.limit(); at += SYMBOL_BYTES) {
        int type = symbols.get(at + 4) & 0xf;
        int section = Short.toUnsignedInt(symbols.getShort(at + 6));
        long start = symbols.getLong(at + 8);
        if ((type == TYPE_FUNCTION || type == TYPE_INDIRECT_FUNCTION)
            && section != UNDEFINED_SECTION
            && start != 0) {
          functions.add(
              new Function(
                  start, symbols.getLong(at + 16), ElfFile.string(strings, symbols.getInt(at))));
        }
      }
    }
    // Of the names one address has (getpid and __getpid), the one called in code: the fewest
    // leading underscores, then the first in the file.
    functions.sort(
        Comparator.comparingLong(Function::start)
            .thenComparingInt(function -> leadingUnderscores(function.name())));
    long[] starts = new long[functions.size()];
    long[] sizes = new long[functions.size()];
    String[] names = new String[functions.size()];
    int count = 0;
    for (Function function : functions) {
      if (count > 0 && starts[count - 1] == function.start()) {
        continue;
      }
      starts[count] = function.start();
      sizes[count] = function.size();
      names[count] = function.name();
      count++;
    }
    return new ElfSymbols(
        elf.loadSegments(),
        Arrays.copyOf(starts, count),
        Arrays.copyOf(sizes, count),
        Arrays.copyOf(names, count));
  }

  private static int leadingUnderscores(String name) {
    int count = 0;
    while (count < name.length() && name.charAt(count) == '_') {
      count++;
    }
    return count;
  }

  /**
   * The function whose code is at {@code fileOffset} of the file: the last one starting at or
   * before that address and, when its size is known, extending past it.
   */
  public Optional<String> functionAtFileOffset(long fileOffset) {
    for (ElfFile.Segment segment : segments) {
      if (fileOffset >= segment.offset() && fileOffset - segment.offset() < segment.fileSize()) {
        return functionAt(fileOffset - segment.offset() + segment.address());
      }
    }
    return Optional.empty();
  }

  /** The function at a virtual address of the file's own layout. */
  public Optional<String> functionAt(long address) {
    int index = Arrays.binarySearch(starts, address);
    if (index < 0) {
      index = -index - 2;
    }
    if (index < 0) {
      return Optional.empty();
    }
    if (sizes[index] != 0 && address - starts[index] >= sizes[index]) {
      return Optional.empty();
    }
    return Optional.of(names[index]);
  }

  /** How many functions it knows. */
  public int size() {
    return starts.length;
  }
}
