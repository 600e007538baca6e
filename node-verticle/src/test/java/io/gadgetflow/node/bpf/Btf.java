package io.gadgetflow.node.bpf;

import io.gadgetflow.node.symbols.ElfFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The types of a compiled BPF object, read from the BTF in its {@code .BTF} ELF section without
 * libbpf or the kernel: enough to know the size of any type and the members of its structs. Only
 * little-endian 64-bit objects, which is what clang writes for BPF on x86-64 and arm64.
 *
 * <p>Formats: the ELF file ({@link ElfFile}), and the kernel's Documentation/bpf/btf.rst (a header,
 * then the type section, whose ids start at 1 because 0 is void, then the string section).
 */
public final class Btf {
  /** The BTF kinds, in the order of their numbers (BTF_KIND_*). */
  public enum Kind {
    VOID,
    INT,
    PTR,
    ARRAY,
    STRUCT,
    UNION,
    ENUM,
    FWD,
    TYPEDEF,
    VOLATILE,
    CONST,
    RESTRICT,
    FUNC,
    FUNC_PROTO,
    VAR,
    DATASEC,
    FLOAT,
    DECL_TAG,
    TYPE_TAG,
    ENUM64
  }

  /**
   * One member of a struct or union.
   *
   * @param bitfieldBits the width of a bit field, 0 for any other member
   */
  public record Member(String name, int type, long bitOffset, int bitfieldBits) {}

  /**
   * One type.
   *
   * @param size in bytes, for the kinds that have one (INT, STRUCT, UNION, ENUM, ENUM64, FLOAT,
   *     DATASEC); 0 for the others
   * @param type the type it refers to: pointee, element, aliased or qualified type, a variable's
   * @param length an array's number of elements
   * @param members a struct's or union's
   */
  public record Type(
      int id, Kind kind, String name, long size, int type, long length, List<Member> members) {}

  private static final short BTF_MAGIC = (short) 0xeb9f;
  private static final int TYPE_HEADER_BYTES = 12;
  private static final long POINTER_BYTES = 8;

  /** Kinds that only name or qualify another type. */
  private static final Set<Kind> ALIASES =
      EnumSet.of(Kind.TYPEDEF, Kind.VOLATILE, Kind.CONST, Kind.RESTRICT, Kind.TYPE_TAG);

  private final List<Type> types;

  private Btf(List<Type> types) {
    this.types = types;
  }

  /**
   * @param elfObject a compiled BPF object, e.g. {@code program.bpf.o}
   * @throws IllegalArgumentException when it is not a little-endian ELF-64 file with BTF
   */
  public static Btf ofObject(byte[] elfObject) {
    ElfFile elf = ElfFile.of(ByteBuffer.wrap(elfObject));
    ElfFile.Section btf =
        elf.section(".BTF")
            .orElseThrow(() -> new IllegalArgumentException("the object has no .BTF section"));
    return parse(elf.contents(btf).order(ByteOrder.LITTLE_ENDIAN));
  }

  /** Type {@code id}; 0 is void. */
  public Type type(int id) {
    return types.get(id);
  }

  /** The first struct of that name. */
  public Optional<Type> struct(String name) {
    return named(Kind.STRUCT, name);
  }

  /** The global variable of that name, e.g. a map's definition in {@code .maps}. */
  public Optional<Type> variable(String name) {
    return named(Kind.VAR, name);
  }

  /** The type behind typedefs and qualifiers (const, volatile, restrict, type tags). */
  public Type resolve(int id) {
    Type type = type(id);
    while (ALIASES.contains(type.kind())) {
      type = type(type.type());
    }
    return type;
  }

  /**
   * {@code sizeof} a type in bytes.
   *
   * @throws IllegalArgumentException for a type without a size (void, a function, a forward
   *     declaration)
   */
  public long sizeOf(int id) {
    Type type = resolve(id);
    return switch (type.kind()) {
      case INT, STRUCT, UNION, ENUM, ENUM64, FLOAT, DATASEC -> type.size();
      case PTR -> POINTER_BYTES;
      case ARRAY -> type.length() * sizeOf(type.type());
      default -> throw new IllegalArgumentException("a " + type.kind() + " has no size");
    };
  }

  private Optional<Type> named(Kind kind, String name) {
    return types.stream().filter(t -> t.kind() == kind && t.name().equals(name)).findFirst();
  }

  private static Btf parse(ByteBuffer btf) {
    if (btf.getShort(0) != BTF_MAGIC) {
      throw new IllegalArgumentException("the .BTF section is not little-endian BTF");
    }
    int headerBytes = btf.getInt(4);
    ByteBuffer typeSection = slice(btf, headerBytes + btf.getInt(8), btf.getInt(12));
    ByteBuffer strings = slice(btf, headerBytes + btf.getInt(16), btf.getInt(20));

    List<Type> types = new ArrayList<>();
    types.add(new Type(0, Kind.VOID, "", 0, 0, 0, List.of()));
    while (typeSection.hasRemaining()) {
      types.add(readType(typeSection, types.size(), strings));
    }
    return new Btf(List.copyOf(types));
  }

  /** Reads one {@code struct btf_type} and what follows it for its kind. */
  private static Type readType(ByteBuffer in, int id, ByteBuffer strings) {
    String name = ElfFile.string(strings, in.getInt());
    int info = in.getInt();
    int sizeOrType = in.getInt();
    int vlen = info & 0xffff;
    int kindNumber = (info >>> 24) & 0x1f;
    boolean kindFlag = info < 0;
    if (kindNumber == 0 || kindNumber >= Kind.values().length) {
      throw new IllegalArgumentException("type " + id + " has the unknown kind " + kindNumber);
    }
    Kind kind = Kind.values()[kindNumber];
    long size = Integer.toUnsignedLong(sizeOrType);
    return switch (kind) {
      case INT -> {
        in.getInt(); // encoding, bit offset and bits; the size is enough here
        yield new Type(id, kind, name, size, 0, 0, List.of());
      }
      case ARRAY -> {
        int element = in.getInt();
        in.getInt(); // index type
        long length = Integer.toUnsignedLong(in.getInt());
        yield new Type(id, kind, name, 0, element, length, List.of());
      }
      case STRUCT, UNION -> {
        List<Member> members = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
          String memberName = ElfFile.string(strings, in.getInt());
          int memberType = in.getInt();
          int offset = in.getInt();
          members.add(
              kindFlag
                  ? new Member(memberName, memberType, offset & 0xffffff, offset >>> 24)
                  : new Member(memberName, memberType, Integer.toUnsignedLong(offset), 0));
        }
        yield new Type(id, kind, name, size, 0, 0, List.copyOf(members));
      }
      case ENUM -> {
        skip(in, vlen * 8); // name and 32-bit value of each enumerator
        yield new Type(id, kind, name, size, 0, 0, List.of());
      }
      case ENUM64, DATASEC -> {
        skip(in, vlen * 12); // enumerators with 64-bit values; a section's variables
        yield new Type(id, kind, name, size, 0, 0, List.of());
      }
      case FLOAT -> new Type(id, kind, name, size, 0, 0, List.of());
      case FUNC_PROTO -> {
        skip(in, vlen * 8);
        yield new Type(id, kind, name, 0, sizeOrType, 0, List.of());
      }
      case VAR, DECL_TAG -> {
        in.getInt(); // a variable's linkage, a tag's component index
        yield new Type(id, kind, name, 0, sizeOrType, 0, List.of());
      }
      case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, TYPE_TAG ->
          new Type(id, kind, name, 0, sizeOrType, 0, List.of());
      case VOID -> throw new IllegalStateException("kind 0 was refused above");
    };
  }

  private static ByteBuffer slice(ByteBuffer buffer, int offset, int length) {
    if (offset < 0 || length < 0 || offset > buffer.limit() - length) {
      throw new IllegalArgumentException(
          "bytes " + offset + " to " + (offset + length) + " lie outside the file");
    }
    return buffer.slice(offset, length).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void skip(ByteBuffer in, int bytes) {
    in.position(in.position() + bytes);
  }
}
