package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One BPF ELF object in libbpf: opened from bytes, configured (constants, map sizes), loaded into
 * the kernel, its programs attached. Closing it detaches every link it made and frees the programs
 * and maps. Not thread-safe: one thread configures and loads it; {@link #close()} may come from
 * another once nothing else uses the object.
 */
public final class BpfObject implements AutoCloseable {
  private static final int BTF_KIND_DATASEC = 15;

  /** {@code struct btf_type}: name_off, info (vlen in the low 16 bits), size. */
  private static final long BTF_TYPE_BYTES = 12;

  /** {@code struct btf_var_secinfo}: type, offset, size. */
  private static final long BTF_VAR_SECINFO_BYTES = 12;

  /**
   * The head of {@code struct bpf_object_open_opts}. libbpf reads only {@code sz} bytes of it and
   * takes the rest as zero, so declaring the fields we set is enough on every libbpf 1.x.
   */
  private static final StructLayout OPEN_OPTIONS =
      MemoryLayout.structLayout(JAVA_LONG.withName("sz"), ADDRESS.withName("object_name"));

  private enum State {
    OPENED,
    LOADED,
    CLOSED
  }

  private final String name;

  /** Holds the ELF bytes, which libbpf keeps referring to until the object is closed. */
  private final Arena arena;

  private final MemorySegment object;
  private final List<BpfLink> links = new ArrayList<>();
  private State state = State.OPENED;

  private BpfObject(String name, Arena arena, MemorySegment object) {
    this.name = name;
    this.arena = arena;
    this.object = object;
  }

  /** Opens an ELF object; {@code name} shows in libbpf's messages and prefixes internal maps. */
  public static BpfObject open(String name, byte[] elf) {
    Arena arena = Arena.ofShared();
    try {
      MemorySegment elfCopy = arena.allocate(elf.length, 8);
      elfCopy.copyFrom(MemorySegment.ofArray(elf));
      MemorySegment options = arena.allocate(OPEN_OPTIONS);
      options.set(JAVA_LONG, 0, OPEN_OPTIONS.byteSize());
      options.set(ADDRESS, 8, arena.allocateFrom(name));
      return new BpfObject(name, arena, Libbpf.objectOpenMem(elfCopy, options));
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /**
   * Opens an object packaged as a class-path resource, e.g. {@code bpf/trace/exec/program.bpf.o};
   * it is named after its folder ({@code exec}).
   */
  public static BpfObject openResource(String resource) {
    try (InputStream in = BpfObject.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no class-path resource " + resource);
      }
      String[] path = resource.split("/");
      String objectName = path.length >= 2 ? path[path.length - 2] : path[0];
      return open(objectName, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  public String name() {
    return name;
  }

  /** Whether the object declares a map of this name: a feature some programs opt into. */
  public boolean hasMap(String mapName) {
    requireNotClosed();
    try (Arena names = Arena.ofConfined()) {
      return !Libbpf.objectFindMapByName(object, names.allocateFrom(mapName))
          .equals(MemorySegment.NULL);
    }
  }

  public BpfMap map(String mapName) {
    requireNotClosed();
    try (Arena names = Arena.ofConfined()) {
      MemorySegment map = Libbpf.objectFindMapByName(object, names.allocateFrom(mapName));
      if (map.equals(MemorySegment.NULL)) {
        throw new IllegalArgumentException("BPF object " + name + " has no map " + mapName);
      }
      return new BpfMap(this, map, mapName);
    }
  }

  public BpfProgram program(String programName) {
    requireNotClosed();
    try (Arena names = Arena.ofConfined()) {
      MemorySegment program =
          Libbpf.objectFindProgramByName(object, names.allocateFrom(programName));
      if (program.equals(MemorySegment.NULL)) {
        throw new IllegalArgumentException("BPF object " + name + " has no program " + programName);
      }
      return new BpfProgram(this, program, programName);
    }
  }

  public List<BpfProgram> programs() {
    requireNotClosed();
    List<BpfProgram> programs = new ArrayList<>();
    for (MemorySegment program = Libbpf.objectNextProgram(object, MemorySegment.NULL);
        !program.equals(MemorySegment.NULL);
        program = Libbpf.objectNextProgram(object, program)) {
      programs.add(new BpfProgram(this, program, Libbpf.programName(program)));
    }
    return programs;
  }

  /** Sets a {@code const volatile bool} before load. */
  public void setConstant(String variable, boolean value) {
    constant(variable, JAVA_BOOLEAN.byteSize()).set(JAVA_BOOLEAN, 0, value);
  }

  /** Sets a 32-bit {@code const volatile} integer before load. */
  public void setConstant(String variable, int value) {
    constant(variable, JAVA_INT.byteSize()).set(JAVA_INT, 0, value);
  }

  /** Sets a 64-bit {@code const volatile} integer before load. */
  public void setConstant(String variable, long value) {
    constant(variable, JAVA_LONG.byteSize()).set(JAVA_LONG, 0, value);
  }

  /** Sets a {@code const volatile} of any type before load, from its exact bytes. */
  public void setConstant(String variable, byte[] value) {
    constant(variable, value.length).copyFrom(MemorySegment.ofArray(value));
  }

  /** Creates the maps and loads the programs; a refused program's verifier log is in the error. */
  public void load() {
    requireOpened();
    Libbpf.objectLoad(object);
    state = State.LOADED;
  }

  /**
   * Attaches every loaded program where its section name says, except socket filters, which have no
   * such place; the links close with this.
   */
  public void attachAll() {
    for (BpfProgram program : programs()) {
      if (program.autoload() && !program.isSocketFilter()) {
        program.attach();
      }
    }
  }

  /** The link of a program attached by {@link #attachAll()}. */
  public BpfLink link(String programName) {
    return links.stream()
        .filter(link -> link.programName().equals(programName))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException(programName + " of " + name + " is not attached"));
  }

  /** Detaches every link and unloads the programs and maps. Idempotent. */
  @Override
  public void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    RuntimeException failure = null;
    for (BpfLink link : links.reversed()) {
      try {
        link.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    links.clear();
    Libbpf.objectClose(object);
    arena.close();
    if (failure != null) {
      throw failure;
    }
  }

  BpfLink attached(BpfLink link) {
    links.add(link);
    return link;
  }

  boolean isLoaded() {
    return state == State.LOADED;
  }

  void requireOpened() {
    if (state != State.OPENED) {
      throw new IllegalStateException(
          "BPF object " + name + " is " + state.name().toLowerCase() + ", not just opened");
    }
  }

  void requireLoaded() {
    if (state != State.LOADED) {
      throw new IllegalStateException(
          "BPF object " + name + " is " + state.name().toLowerCase() + ", not loaded");
    }
  }

  private void requireNotClosed() {
    if (state == State.CLOSED) {
      throw new IllegalStateException("BPF object " + name + " is closed");
    }
  }

  /**
   * Where a {@code const volatile} global lives before load: its offset in the {@code .rodata}
   * section, found through BTF, applied to libbpf's copy of that section (the .rodata map's initial
   * value), which libbpf writes to the kernel at load time.
   */
  private MemorySegment constant(String variable, long expectedSize) {
    requireOpened();
    MemorySegment btf = Libbpf.objectBtf(object);
    if (btf.equals(MemorySegment.NULL)) {
      throw new IllegalStateException("BPF object " + name + " has no BTF (compile with -g)");
    }
    try (Arena scratch = Arena.ofConfined()) {
      int datasecId =
          Libbpf.btfFindByNameKind(btf, scratch.allocateFrom(".rodata"), BTF_KIND_DATASEC);
      if (datasecId < 0) {
        throw new IllegalArgumentException(
            "BPF object " + name + " has no const volatile variables");
      }
      int variables =
          Libbpf.btfTypeById(btf, datasecId).reinterpret(BTF_TYPE_BYTES).get(JAVA_INT, 4) & 0xffff;
      MemorySegment secinfos =
          Libbpf.btfTypeById(btf, datasecId)
              .reinterpret(BTF_TYPE_BYTES + variables * BTF_VAR_SECINFO_BYTES)
              .asSlice(BTF_TYPE_BYTES);
      for (int i = 0; i < variables; i++) {
        MemorySegment secinfo = secinfos.asSlice(i * BTF_VAR_SECINFO_BYTES, BTF_VAR_SECINFO_BYTES);
        int nameOffset =
            Libbpf.btfTypeById(btf, secinfo.get(JAVA_INT, 0))
                .reinterpret(BTF_TYPE_BYTES)
                .get(JAVA_INT, 0);
        if (variable.equals(Libbpf.btfNameByOffset(btf, nameOffset))) {
          int offset = secinfo.get(JAVA_INT, 4);
          int size = secinfo.get(JAVA_INT, 8);
          if (size != expectedSize) {
            throw new IllegalArgumentException(
                variable + " in " + name + " is " + size + " bytes, not " + expectedSize);
          }
          return rodata(scratch).asSlice(offset, size);
        }
      }
      throw new IllegalArgumentException(
          "BPF object " + name + " has no const volatile variable " + variable);
    }
  }

  private MemorySegment rodata(Arena scratch) {
    for (MemorySegment map = Libbpf.objectNextMap(object, MemorySegment.NULL);
        !map.equals(MemorySegment.NULL);
        map = Libbpf.objectNextMap(object, map)) {
      // libbpf names the map <object name prefix>.rodata; .rodata.* sections keep their own name.
      if (Libbpf.mapIsInternal(map) && Libbpf.mapName(map).endsWith(".rodata")) {
        MemorySegment size = scratch.allocate(JAVA_LONG);
        MemorySegment value = Libbpf.mapInitialValue(map, size);
        return value.reinterpret(size.get(JAVA_LONG, 0));
      }
    }
    throw new IllegalStateException("BPF object " + name + " has .rodata BTF but no .rodata map");
  }
}
