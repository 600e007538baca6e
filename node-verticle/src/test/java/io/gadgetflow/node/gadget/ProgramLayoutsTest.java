package io.gadgetflow.node.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.node.bpf.Btf;
import io.gadgetflow.node.catalog.GadgetPrograms;
import io.gadgetflow.node.gadget.ProgramLayouts.MapLayout;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each gadget's {@link ProgramLayouts}, from which its decoder takes every offset and size, against
 * the BTF of its compiled program: each member it names at the same offset and of the same size,
 * arrays as long, structs as big, each map's key and value as big. Without root and without loading
 * anything: it reads the objects the build compiled into the class path.
 */
class ProgramLayoutsTest {

  static Stream<Named<GadgetProgram>> programs() {
    return GadgetPrograms.all().stream().map(program -> Named.of(program.name(), program));
  }

  @ParameterizedTest
  @MethodSource("programs")
  void everyGadgetDeclaresWhatItReadsOfItsProgram(GadgetProgram program) {
    ProgramLayouts layouts = program.layouts();

    assertThat(layouts.structs().size() + layouts.maps().size())
        .as("the layouts %s declares of the types its program shares with it", program.name())
        .isPositive();
  }

  @ParameterizedTest
  @MethodSource("programs")
  void everyStructIsReadAsTheProgramLaysItOut(GadgetProgram program) throws IOException {
    Btf btf = btfOf(program);
    List<String> differences = new ArrayList<>();
    for (StructLayout struct : program.layouts().structs()) {
      String name = struct.name().orElse("(a struct layout without a name)");
      Optional<Btf.Type> type = btf.struct(name);
      if (type.isEmpty()) {
        differences.add(
            "struct " + name + " is not in the BTF: GADGET_LAYOUT(" + name + ") keeps it there");
      } else {
        differences.addAll(differences("struct " + name, struct, btf, type.get().id()));
      }
    }

    assertThat(differences).as("%s against %s", program.name(), program.objectResource()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("programs")
  void everyMapEntryIsReadAsTheProgramLaysItOut(GadgetProgram program) throws IOException {
    Btf btf = btfOf(program);
    List<String> differences = new ArrayList<>();
    for (MapLayout map : program.layouts().maps()) {
      Optional<Btf.Type> definition = btf.variable(map.name());
      if (definition.isEmpty()) {
        differences.add("there is no map " + map.name());
        continue;
      }
      Btf.Type fields = btf.resolve(definition.get().type());
      differences.addAll(entryDifferences(map.name() + " key", map.key(), btf, fields, "key"));
      differences.addAll(
          entryDifferences(map.name() + " value", map.value(), btf, fields, "value"));
    }

    assertThat(differences).as("%s against %s", program.name(), program.objectResource()).isEmpty();
  }

  private static Btf btfOf(GadgetProgram program) throws IOException {
    try (InputStream object =
        GadgetProgram.class.getClassLoader().getResourceAsStream(program.objectResource())) {
      assertThat(object).as("%s on the class path", program.objectResource()).isNotNull();
      return Btf.ofObject(object.readAllBytes());
    }
  }

  /**
   * A map's key or value: a definition in {@code .maps} has a member {@code key} or {@code value}
   * that points to its type ({@code __type(key, ...)}).
   */
  private static List<String> entryDifferences(
      String path, MemoryLayout java, Btf btf, Btf.Type definition, String part) {
    Optional<Btf.Member> member =
        definition.members().stream().filter(m -> m.name().equals(part)).findFirst();
    if (member.isEmpty() || btf.resolve(member.get().type()).kind() != Btf.Kind.PTR) {
      return List.of(path + ": the map's definition names no type for its " + part);
    }
    int type = btf.resolve(member.get().type()).type();
    List<String> differences = new ArrayList<>();
    String cName = btf.resolve(type).name();
    if (java instanceof StructLayout && !java.name().equals(Optional.of(cName))) {
      differences.add(path + ": struct " + java.name().orElse("") + " in Java, " + cName + " in C");
    }
    differences.addAll(differences(path, java, btf, type));
    return differences;
  }

  /** How a Java layout differs from the C type it mirrors, one line each; empty when they agree. */
  private static List<String> differences(String path, MemoryLayout java, Btf btf, int typeId) {
    Btf.Type c = btf.resolve(typeId);
    long cBytes = btf.sizeOf(typeId);
    List<String> differences = new ArrayList<>();
    if (java.byteSize() != cBytes) {
      differences.add(path + ": " + java.byteSize() + " bytes in Java, " + cBytes + " in C");
    }
    switch (java) {
      case StructLayout struct when c.kind() == Btf.Kind.STRUCT -> {
        long offset = 0;
        for (MemoryLayout member : struct.memberLayouts()) {
          if (!(member instanceof PaddingLayout)) {
            differences.addAll(memberDifferences(path, member, offset, btf, c));
          }
          offset += member.byteSize();
        }
      }
      case SequenceLayout array when c.kind() == Btf.Kind.ARRAY -> {
        if (array.elementCount() != c.length()) {
          differences.add(
              path + ": " + array.elementCount() + " elements in Java, " + c.length() + " in C");
        }
        differences.addAll(differences(path + "[]", array.elementLayout(), btf, c.type()));
      }
      case ValueLayout value when c.kind() == Btf.Kind.INT || c.kind() == Btf.Kind.ENUM -> {
        // A number: as big is all the bytes can tell; its sign is the decoder's reading.
      }
      default -> differences.add(path + ": " + java + " in Java, a " + c.kind() + " in C");
    }
    return differences;
  }

  private static List<String> memberDifferences(
      String structPath, MemoryLayout member, long offset, Btf btf, Btf.Type struct) {
    if (member.name().isEmpty()) {
      return List.of(structPath + ": the member at byte " + offset + " has no name in Java");
    }
    String path = structPath + "." + member.name().get();
    Optional<Btf.Member> cMember =
        struct.members().stream().filter(m -> m.name().equals(member.name().get())).findFirst();
    if (cMember.isEmpty()) {
      return List.of(path + ": no such member in C");
    }
    if (cMember.get().bitfieldBits() != 0) {
      return List.of(path + ": a bit field in C");
    }
    List<String> differences = new ArrayList<>();
    long cOffset = cMember.get().bitOffset() / Byte.SIZE;
    if (offset != cOffset) {
      differences.add(path + ": at byte " + offset + " in Java, " + cOffset + " in C");
    }
    differences.addAll(differences(path, member, btf, cMember.get().type()));
    return differences;
  }
}
