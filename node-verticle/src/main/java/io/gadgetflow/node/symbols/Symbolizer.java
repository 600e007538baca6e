package io.gadgetflow.node.symbols;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Names the frames of stacks the kernel took: kernel addresses by {@code /proc/kallsyms}, user
 * addresses by the symbol tables of the files the process has mapped there, read while it runs. An
 * address it cannot name (a process gone, code without a symbol, JIT-compiled code) is written in
 * hex, as {@code 0x7f3a12c4d5e6}. Each file's symbols are read once, whichever processes map it.
 * Not thread-safe; meant for one report.
 */
public final class Symbolizer {
  private final KernelSymbols kernel;
  private final Path proc;
  private final Map<Long, ProcessMappings> processes = new HashMap<>();
  private final Map<String, ElfSymbols> files = new HashMap<>();

  /**
   * @param proc where the node's processes are, {@code /proc}
   */
  public Symbolizer(KernelSymbols kernel, Path proc) {
    this.kernel = kernel;
    this.proc = proc;
  }

  /** The node's own: its kernel symbols, its {@code /proc}. */
  public static Symbolizer ofThisNode() throws IOException {
    return new Symbolizer(KernelSymbols.read(), Path.of("/proc"));
  }

  public String kernelFrame(long address) {
    return kernel.functionAt(address).orElseGet(() -> hex(address));
  }

  public String userFrame(long pid, long address) {
    ProcessMappings mappings = processes.computeIfAbsent(pid, p -> ProcessMappings.read(proc, p));
    return mappings
        .at(address)
        .flatMap(
            mapping ->
                symbolsOf(pid, mapping)
                    .flatMap(
                        symbols ->
                            symbols.functionAtFileOffset(
                                address - mapping.start() + mapping.offset())))
        .orElseGet(() -> hex(address));
  }

  /** A file that could not be read is tried again through the next process that maps it. */
  private Optional<ElfSymbols> symbolsOf(long pid, ProcessMappings.Mapping mapping) {
    return Optional.ofNullable(files.computeIfAbsent(mapping.file(), file -> read(pid, mapping)));
  }

  /**
   * Through {@code map_files}, which opens the very file mapped, even deleted or in another mount
   * namespace; else through the process's root. Null when neither can be read.
   */
  private ElfSymbols read(long pid, ProcessMappings.Mapping mapping) {
    Path process = proc.resolve(Long.toString(pid));
    Path[] candidates = {
      process
          .resolve("map_files")
          .resolve(Long.toHexString(mapping.start()) + "-" + Long.toHexString(mapping.end())),
      process.resolve("root").resolve(mapping.path().substring(1))
    };
    for (Path candidate : candidates) {
      Optional<ElfSymbols> symbols = readElf(candidate);
      if (symbols.isPresent()) {
        return symbols.get();
      }
    }
    return null;
  }

  private static Optional<ElfSymbols> readElf(Path file) {
    try {
      return Optional.of(ElfSymbols.of(ElfFile.read(file)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static String hex(long address) {
    return "0x" + Long.toHexString(address);
  }
}
