package io.gadgetflow.node.symbols;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A 64-bit ELF file's sections and loadable segments, read from its bytes as they are: a compiled
 * BPF object, an executable, a shared library. Files of 2 GiB or more are not read.
 */
public final class ElfFile {
  public static final int SECTION_SYMBOL_TABLE = 2;
  public static final int SECTION_DYNAMIC_SYMBOLS = 11;

  private static final int HEADER_BYTES = 64;
  private static final int MAGIC = 0x464c457f; // "\x7fELF", read little-endian
  private static final int CLASS_64 = 2;
  private static final int DATA_LITTLE_ENDIAN = 1;
  private static final int DATA_BIG_ENDIAN = 2;
  private static final int SEGMENT_LOAD = 1;

  /**
   * One section.
   *
   * @param type {@code sh_type}, e.g. {@link #SECTION_SYMBOL_TABLE}
   * @param link {@code sh_link}: for a symbol table, the index of its string table
   */
  public record Section(String name, int type, long offset, long size, int link, long entrySize) {}

  /**
   * A {@code PT_LOAD} segment: file bytes {@code [offset, offset + fileSize)} at {@code address}.
   */
  public record Segment(long offset, long address, long fileSize) {}

  private final ByteBuffer bytes;
  private final List<Section> sections;
  private final List<Segment> segments;

  private ElfFile(ByteBuffer bytes, List<Section> sections, List<Segment> segments) {
    this.bytes = bytes;
    this.sections = sections;
    this.segments = segments;
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a 64-bit ELF file, or lie about their
   *     own layout
   */
  public static ElfFile of(ByteBuffer file) {
    if (file.limit() < HEADER_BYTES || file.order(ByteOrder.LITTLE_ENDIAN).getInt(0) != MAGIC) {
      throw new IllegalArgumentException("not an ELF file");
    }
    if (file.get(4) != CLASS_64) {
      throw new IllegalArgumentException("not a 64-bit ELF file");
    }
    ByteBuffer elf =
        switch (file.get(5)) {
          case DATA_LITTLE_ENDIAN -> file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
          case DATA_BIG_ENDIAN -> file.duplicate().order(ByteOrder.BIG_ENDIAN);
          default -> throw new IllegalArgumentException("an ELF file of unknown byte order");
        };
    try {
      return new ElfFile(elf, readSections(elf), readSegments(elf));
    } catch (IndexOutOfBoundsException | ArithmeticException e) {
      throw new IllegalArgumentException("an ELF file whose headers lie outside it", e);
    }
  }

  /** Maps the file read-only; its mapping lasts as long as the returned object is reachable. */
  public static ElfFile read(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      if (channel.size() >= Integer.MAX_VALUE) {
        throw new IllegalArgumentException(path + " is too large to read symbols from");
      }
      return of(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
    }
  }

  public List<Section> sections() {
    return sections;
  }

  public List<Segment> loadSegments() {
    return segments;
  }

  public Optional<Section> section(String name) {
    return sections.stream().filter(section -> section.name().equals(name)).findFirst();
  }

  /** The section's bytes, in the file's byte order. */
  public ByteBuffer contents(Section section) {
    return slice(bytes, section.offset(), section.size());
  }

  /** The NUL-terminated UTF-8 string at {@code offset} of a string table. */
  public static String string(ByteBuffer strings, int offset) {
    int end = offset;
    while (end < strings.limit() && strings.get(end) != 0) {
      end++;
    }
    byte[] text = new byte[end - offset];
    strings.get(offset, text);
    return new String(text, StandardCharsets.UTF_8);
  }

  private static List<Section> readSections(ByteBuffer elf) {
    long headers = elf.getLong(0x28);
    int headerBytes = Short.toUnsignedInt(elf.getShort(0x3a));
    int count = Short.toUnsignedInt(elf.getShort(0x3c));
    int namesIndex = Short.toUnsignedInt(elf.getShort(0x3e));
    if (count == 0) {
      return List.of();
    }
    ByteBuffer names = sectionBytes(elf, headers + (long) namesIndex * headerBytes);
    List<Section> sections = new ArrayList<>(count);
    for (int index = 0; index < count; index++) {
      int at = Math.toIntExact(headers + (long) index * headerBytes);
      sections.add(
          new Section(
              string(names, elf.getInt(at)),
              elf.getInt(at + 4),
              elf.getLong(at + 0x18),
              elf.getLong(at + 0x20),
              elf.getInt(at + 0x28),
              elf.getLong(at + 0x38)));
    }
    return List.copyOf(sections);
  }

  private static List<Segment> readSegments(ByteBuffer elf) {
    long headers = elf.getLong(0x20);
    int headerBytes = Short.toUnsignedInt(elf.getShort(0x36));
    int count = Short.toUnsignedInt(elf.getShort(0x38));
    List<Segment> segments = new ArrayList<>();
    for (int index = 0; index < count; index++) {
      int at = Math.toIntExact(headers + (long) index * headerBytes);
      if (elf.getInt(at) == SEGMENT_LOAD) {
        segments.add(
            new Segment(elf.getLong(at + 0x08), elf.getLong(at + 0x10), elf.getLong(at + 0x20)));
      }
    }
    return List.copyOf(segments);
  }

  private static ByteBuffer sectionBytes(ByteBuffer elf, long header) {
    int at = Math.toIntExact(header);
    return slice(elf, elf.getLong(at + 0x18), elf.getLong(at + 0x20));
  }

  private static ByteBuffer slice(ByteBuffer buffer, long offset, long length) {
    if (offset < 0 || length < 0 || offset > buffer.limit() - length) {
      throw new IllegalArgumentException(
          "bytes " + offset + " to " + (offset + length) + " lie outside the file");
    }
    return buffer.slice((int) offset, (int) length).order(buffer.order());
  }
}
