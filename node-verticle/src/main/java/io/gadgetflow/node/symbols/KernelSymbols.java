package io.gadgetflow.node.symbols;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's functions and those of its modules, from {@code /proc/kallsyms}, which shows their
 * addresses to root only (to others, every address is 0 and nothing is found). A function is known
 * by where it starts: an address belongs to the last function starting at or before it.
 */
public final class KernelSymbols {
  public static final Path KALLSYMS = Path.of("/proc/kallsyms");

  private final long[] starts;
  private final String[] names;

  private KernelSymbols(long[] starts, String[] names) {
    this.starts = starts;
    this.names = names;
  }

  public static KernelSymbols read() throws IOException {
    try (BufferedReader lines = Files.newBufferedReader(KALLSYMS, StandardCharsets.US_ASCII)) {
      return parse(lines);
    }
  }

  /**
   * Lines such as {@code ffffffff81234560 T do_sys_openat2} or {@code ffffffffc0a01000 t nf_hook
   * [nf_tables]}; only code (types t, T, w, W) is kept.
   */
  static KernelSymbols parse(Reader kallsyms) throws IOException {
    record Symbol(long start, String name) {}
    List<Symbol> symbols = new ArrayList<>();
    BufferedReader lines =
        kallsyms instanceof BufferedReader buffered ? buffered : new BufferedReader(kallsyms);
    String line;
    while ((line = lines.readLine()) != null) {
      int firstSpace = line.indexOf(' ');
      if (firstSpace < 0 || firstSpace + 3 >= line.length()) {
        continue;
      }
      char type = line.charAt(firstSpace + 1);
      if (type != 't' && type != 'T' && type != 'w' && type != 'W') {
        continue;
      }
      long start = Long.parseUnsignedLong(line, 0, firstSpace, 16);
      if (start == 0) {
        continue;
      }
      int nameStart = firstSpace + 3;
      int nameEnd = line.indexOf('\t', nameStart);
      symbols.add(
          new Symbol(start, line.substring(nameStart, nameEnd < 0 ? line.length() : nameEnd)));
    }
    symbols.sort(Comparator.comparing(Symbol::start, Long::compareUnsigned));
    long[] starts = new long[symbols.size()];
    String[] names = new String[symbols.size()];
    for (int i = 0; i < symbols.size(); i++) {
      starts[i] = symbols.get(i).start();
      names[i] = symbols.get(i).name();
    }
    return new KernelSymbols(starts, names);
  }

  /** The function at {@code address}; empty below the first, or when none could be read. */
  public Optional<String> functionAt(long address) {
    int low = 0;
    int high = starts.length - 1;
    int found = -1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      if (Long.compareUnsigned(starts[middle], address) <= 0) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found < 0 ? Optional.empty() : Optional.of(names[found]);
  }

  /** How many functions it knows; 0 when the addresses were hidden. */
  public int size() {
    return starts.length;
  }
}
