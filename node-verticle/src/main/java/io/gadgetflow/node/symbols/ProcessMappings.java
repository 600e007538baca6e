package io.gadgetflow.node.symbols;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files a process has mapped executable, from {@code /proc/<pid>/maps}: where each lies in its
 * address space, from which offset of which file.
 */
public final class ProcessMappings {

  /**
   * Bytes {@code [start, end)} of the address space map the file from {@code offset} on.
   *
   * @param file the device and inode, as {@code maps} shows them (e.g. {@code fe:00 247278}): the
   *     same file in every process and mount namespace
   * @param path the file's path in the process's mount namespace, as {@code maps} shows it
   */
  public record Mapping(long start, long end, long offset, String file, String path) {}

  private final List<Mapping> mappings;

  private ProcessMappings(List<Mapping> mappings) {
    this.mappings = mappings;
  }

  /** Empty when the process is gone or its maps cannot be read. */
  public static ProcessMappings read(Path proc, long pid) {
    try {
      return parse(Files.readString(proc.resolve(Long.toString(pid)).resolve("maps")));
    } catch (IOException | RuntimeException e) {
      return new ProcessMappings(List.of());
    }
  }

  /**
   * Lines such as {@code 56074c573000-56074c579000 r-xp 00002000 fe:00 247278 /usr/bin/head}; only
   * executable mappings of files are kept.
   */
  static ProcessMappings parse(String maps) {
    List<Mapping> mappings = new ArrayList<>();
    for (String line : maps.split("\n")) {
      String[] fields = line.strip().split(" +", 6);
      if (fields.length < 6 || fields[1].length() < 3 || fields[1].charAt(2) != 'x') {
        continue;
      }
      if (fields[4].equals("0") || !fields[5].startsWith("/")) {
        continue;
      }
      int dash = fields[0].indexOf('-');
      mappings.add(
          new Mapping(
              Long.parseUnsignedLong(fields[0], 0, dash, 16),
              Long.parseUnsignedLong(fields[0], dash + 1, fields[0].length(), 16),
              Long.parseUnsignedLong(fields[2], 16),
              fields[3] + " " + fields[4],
              fields[5]));
    }
    return new ProcessMappings(List.copyOf(mappings));
  }

  /** The mapping {@code address} lies in. */
  public Optional<Mapping> at(long address) {
    for (Mapping mapping : mappings) {
      if (Long.compareUnsigned(address, mapping.start()) >= 0
          && Long.compareUnsigned(address, mapping.end()) < 0) {
        return Optional.of(mapping);
      }
    }
    return Optional.empty();
  }

  public List<Mapping> mappings() {
    return mappings;
  }
}
