package io.gadgetflow.node.bpf;

import static io.gadgetflow.node.bpf.NativeCalls.C_STRING;
import static io.gadgetflow.node.bpf.NativeCalls.callState;
import static io.gadgetflow.node.bpf.NativeCalls.downcall;
import static io.gadgetflow.node.bpf.NativeCalls.downcallCapturingErrno;
import static io.gadgetflow.node.bpf.NativeCalls.lastErrno;
import static io.gadgetflow.node.bpf.NativeCalls.unexpected;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls into Debian's libbpf 1.x ({@code libbpf.so.1}). Checked calls throw {@link
 * LibbpfException}: libbpf 1.x reports errors as {@code -errno} from functions returning int, and
 * as NULL plus errno from functions returning a pointer.
 */
final class Libbpf {
  private static final SymbolLookup LIBBPF = NativeCalls.library("libbpf.so.1", "libbpf1");

  private static final MethodHandle OBJECT_OPEN_MEM =
      downcallCapturingErrno(
          LIBBPF,
          "bpf_object__open_mem",
          FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
  private static final MethodHandle OBJECT_LOAD =
      downcall(LIBBPF, "bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle OBJECT_CLOSE =
      downcall(LIBBPF, "bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
  private static final MethodHandle OBJECT_BTF =
      downcall(LIBBPF, "bpf_object__btf", FunctionDescriptor.of(ADDRESS, ADDRESS));
  private static final MethodHandle OBJECT_FIND_MAP_BY_NAME =
      downcallCapturingErrno(
          LIBBPF, "bpf_object__find_map_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
  private static final MethodHandle OBJECT_FIND_PROGRAM_BY_NAME =
      downcallCapturingErrno(
          LIBBPF,
          "bpf_object__find_program_by_name",
          FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
  private static final MethodHandle OBJECT_NEXT_PROGRAM =
      downcall(
          LIBBPF, "bpf_object__next_program", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

  private static final MethodHandle OBJECT_NEXT_MAP =
      downcall(LIBBPF, "bpf_object__next_map", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

  private static final MethodHandle PROGRAM_NAME =
      downcall(LIBBPF, "bpf_program__name", FunctionDescriptor.of(C_STRING, ADDRESS));
  private static final MethodHandle PROGRAM_SECTION_NAME =
      downcall(LIBBPF, "bpf_program__section_name", FunctionDescriptor.of(C_STRING, ADDRESS));
  private static final MethodHandle PROGRAM_AUTOLOAD =
      downcall(LIBBPF, "bpf_program__autoload", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
  private static final MethodHandle PROGRAM_SET_AUTOLOAD =
      downcall(
          LIBBPF,
          "bpf_program__set_autoload",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN));
  private static final MethodHandle PROGRAM_FD =
      downcall(LIBBPF, "bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle PROGRAM_ATTACH =
      downcallCapturingErrno(
          LIBBPF, "bpf_program__attach", FunctionDescriptor.of(ADDRESS, ADDRESS));
  private static final MethodHandle PROGRAM_ATTACH_PERF_EVENT =
      downcallCapturingErrno(
          LIBBPF,
          "bpf_program__attach_perf_event",
          FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
  private static final MethodHandle LINK_DESTROY =
      downcall(LIBBPF, "bpf_link__destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));

  private static final MethodHandle LINK_FD =
      downcall(LIBBPF, "bpf_link__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle ITER_CREATE =
      downcall(LIBBPF, "bpf_iter_create", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private static final MethodHandle MAP_FD =
      downcall(LIBBPF, "bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle MAP_NAME =
      downcall(LIBBPF, "bpf_map__name", FunctionDescriptor.of(C_STRING, ADDRESS));
  private static final MethodHandle MAP_IS_INTERNAL =
      downcall(LIBBPF, "bpf_map__is_internal", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
  private static final MethodHandle MAP_TYPE =
      downcall(LIBBPF, "bpf_map__type", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle MAP_KEY_SIZE =
      downcall(LIBBPF, "bpf_map__key_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle MAP_VALUE_SIZE =
      downcall(LIBBPF, "bpf_map__value_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle MAP_MAX_ENTRIES =
      downcall(LIBBPF, "bpf_map__max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle MAP_SET_MAX_ENTRIES =
      downcall(
          LIBBPF, "bpf_map__set_max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle MAP_INITIAL_VALUE =
      downcall(LIBBPF, "bpf_map__initial_value", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

  private static final MethodHandle BTF_FIND_BY_NAME_KIND =
      downcall(
          LIBBPF,
          "btf__find_by_name_kind",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  private static final MethodHandle BTF_TYPE_BY_ID =
      downcall(LIBBPF, "btf__type_by_id", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
  private static final MethodHandle BTF_NAME_BY_OFFSET =
      downcall(LIBBPF, "btf__name_by_offset", FunctionDescriptor.of(C_STRING, ADDRESS, JAVA_INT));
  private static final MethodHandle BTF_LOAD_VMLINUX =
      downcallCapturingErrno(LIBBPF, "btf__load_vmlinux_btf", FunctionDescriptor.of(ADDRESS));
  private static final MethodHandle BTF_FREE =
      downcall(LIBBPF, "btf__free", FunctionDescriptor.ofVoid(ADDRESS));

  private static final MethodHandle MAP_UPDATE_ELEM =
      downcall(
          LIBBPF,
          "bpf_map_update_elem",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
  private static final MethodHandle MAP_LOOKUP_ELEM =
      downcall(
          LIBBPF,
          "bpf_map_lookup_elem",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle MAP_LOOKUP_AND_DELETE_ELEM =
      downcall(
          LIBBPF,
          "bpf_map_lookup_and_delete_elem",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle MAP_DELETE_ELEM =
      downcall(LIBBPF, "bpf_map_delete_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle MAP_GET_NEXT_KEY =
      downcall(
          LIBBPF,
          "bpf_map_get_next_key",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle PROG_TEST_RUN_OPTS =
      downcall(
          LIBBPF, "bpf_prog_test_run_opts", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle NUM_POSSIBLE_CPUS =
      downcall(LIBBPF, "libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT));
  private static final MethodHandle SET_PRINT =
      downcall(LIBBPF, "libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));

  static final int ENOENT = 2;

  static {
    try {
      // Replaces libbpf's default printer (stderr) for the whole process, before any other call.
      MemorySegment defaultPrinter = (MemorySegment) SET_PRINT.invokeExact(LibbpfLog.CALLBACK);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  private Libbpf() {}

  static MemorySegment objectOpenMem(MemorySegment elf, MemorySegment options) {
    LibbpfLog.callStarts();
    try {
      var object =
          (MemorySegment) OBJECT_OPEN_MEM.invokeExact(callState(), elf, elf.byteSize(), options);
      return checkedPointer(object, "bpf_object__open_mem");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void objectLoad(MemorySegment object) {
    LibbpfLog.callStarts();
    try {
      checked((int) OBJECT_LOAD.invokeExact(object), "bpf_object__load");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void objectClose(MemorySegment object) {
    try {
      OBJECT_CLOSE.invokeExact(object);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** The object's BTF, or NULL when it was compiled without {@code -g}. */
  static MemorySegment objectBtf(MemorySegment object) {
    try {
      return (MemorySegment) OBJECT_BTF.invokeExact(object);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** The map, or NULL when the object has none of that name. */
  static MemorySegment objectFindMapByName(MemorySegment object, MemorySegment name) {
    try {
      return (MemorySegment) OBJECT_FIND_MAP_BY_NAME.invokeExact(callState(), object, name);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** The program, or NULL when the object has none of that name. */
  static MemorySegment objectFindProgramByName(MemorySegment object, MemorySegment name) {
    try {
      return (MemorySegment) OBJECT_FIND_PROGRAM_BY_NAME.invokeExact(callState(), object, name);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** The program after {@code previous} (NULL: the first), or NULL after the last. */
  static MemorySegment objectNextProgram(MemorySegment object, MemorySegment previous) {
    try {
      return (MemorySegment) OBJECT_NEXT_PROGRAM.invokeExact(object, previous);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** The map after {@code previous} (NULL: the first), or NULL after the last. */
  static MemorySegment objectNextMap(MemorySegment object, MemorySegment previous) {
    try {
      return (MemorySegment) OBJECT_NEXT_MAP.invokeExact(object, previous);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static String programName(MemorySegment program) {
    try {
      return NativeCalls.string((MemorySegment) PROGRAM_NAME.invokeExact(program));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static String programSectionName(MemorySegment program) {
    try {
      return NativeCalls.string((MemorySegment) PROGRAM_SECTION_NAME.invokeExact(program));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static boolean programAutoload(MemorySegment program) {
    try {
      return (boolean) PROGRAM_AUTOLOAD.invokeExact(program);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void programSetAutoload(MemorySegment program, boolean autoload) {
    LibbpfLog.callStarts();
    try {
      checked(
          (int) PROGRAM_SET_AUTOLOAD.invokeExact(program, autoload), "bpf_program__set_autoload");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int programFd(MemorySegment program) {
    LibbpfLog.callStarts();
    try {
      return checked((int) PROGRAM_FD.invokeExact(program), "bpf_program__fd");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static MemorySegment programAttach(MemorySegment program) {
    LibbpfLog.callStarts();
    try {
      var link = (MemorySegment) PROGRAM_ATTACH.invokeExact(callState(), program);
      return checkedPointer(link, "bpf_program__attach");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** On success the link owns the perf event: destroying it disables and closes the event. */
  static MemorySegment programAttachPerfEvent(MemorySegment program, int perfEventFd) {
    LibbpfLog.callStarts();
    try {
      var link =
          (MemorySegment) PROGRAM_ATTACH_PERF_EVENT.invokeExact(callState(), program, perfEventFd);
      return checkedPointer(link, "bpf_program__attach_perf_event");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void linkDestroy(MemorySegment link) {
    LibbpfLog.callStarts();
    try {
      checked((int) LINK_DESTROY.invokeExact(link), "bpf_link__destroy");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int linkFd(MemorySegment link) {
    LibbpfLog.callStarts();
    try {
      return checked((int) LINK_FD.invokeExact(link), "bpf_link__fd");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** A new file descriptor whose reads run an iterator program once, start to end. */
  static int iterCreate(int linkFd) {
    LibbpfLog.callStarts();
    try {
      return checked((int) ITER_CREATE.invokeExact(linkFd), "bpf_iter_create");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int mapFd(MemorySegment map) {
    LibbpfLog.callStarts();
    try {
      return checked((int) MAP_FD.invokeExact(map), "bpf_map__fd");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static String mapName(MemorySegment map) {
    try {
      return NativeCalls.string((MemorySegment) MAP_NAME.invokeExact(map));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Whether libbpf made the map from a data section (.rodata, .data, .bss) of the object. */
  static boolean mapIsInternal(MemorySegment map) {
    try {
      return (boolean) MAP_IS_INTERNAL.invokeExact(map);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int mapType(MemorySegment map) {
    try {
      return (int) MAP_TYPE.invokeExact(map);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int mapKeySize(MemorySegment map) {
    try {
      return (int) MAP_KEY_SIZE.invokeExact(map);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int mapValueSize(MemorySegment map) {
    try {
      return (int) MAP_VALUE_SIZE.invokeExact(map);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int mapMaxEntries(MemorySegment map) {
    try {
      return (int) MAP_MAX_ENTRIES.invokeExact(map);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void mapSetMaxEntries(MemorySegment map, int maxEntries) {
    LibbpfLog.callStarts();
    try {
      checked((int) MAP_SET_MAX_ENTRIES.invokeExact(map, maxEntries), "bpf_map__set_max_entries");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Fills {@code size} (a size_t) and returns the map's initial value, or NULL if it has none. */
  static MemorySegment mapInitialValue(MemorySegment map, MemorySegment size) {
    try {
      return (MemorySegment) MAP_INITIAL_VALUE.invokeExact(map, size);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** The type id, or {@code -errno} (-ENOENT when there is no such type). */
  static int btfFindByNameKind(MemorySegment btf, MemorySegment name, int kind) {
    try {
      return (int) BTF_FIND_BY_NAME_KIND.invokeExact(btf, name, kind);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** A {@code struct btf_type}, as a zero-length segment to reinterpret. */
  static MemorySegment btfTypeById(MemorySegment btf, int typeId) {
    try {
      return (MemorySegment) BTF_TYPE_BY_ID.invokeExact(btf, typeId);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static String btfNameByOffset(MemorySegment btf, int offset) {
    try {
      return NativeCalls.string((MemorySegment) BTF_NAME_BY_OFFSET.invokeExact(btf, offset));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** The running kernel's BTF (/sys/kernel/btf/vmlinux); free it with {@link #btfFree}. */
  static MemorySegment btfLoadVmlinux() {
    LibbpfLog.callStarts();
    try {
      return checkedPointer(
          (MemorySegment) BTF_LOAD_VMLINUX.invokeExact(callState()), "btf__load_vmlinux_btf");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void btfFree(MemorySegment btf) {
    try {
      BTF_FREE.invokeExact(btf);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** 0, or {@code -errno}. */
  static int mapUpdateElem(int mapFd, MemorySegment key, MemorySegment value, long flags) {
    try {
      return (int) MAP_UPDATE_ELEM.invokeExact(mapFd, key, value, flags);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** 0, or {@code -errno} (-ENOENT when the key is absent). */
  static int mapLookupElem(int mapFd, MemorySegment key, MemorySegment value) {
    try {
      return (int) MAP_LOOKUP_ELEM.invokeExact(mapFd, key, value);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** 0, or {@code -errno} (-ENOENT when the key is absent). */
  static int mapLookupAndDeleteElem(int mapFd, MemorySegment key, MemorySegment value) {
    try {
      return (int) MAP_LOOKUP_AND_DELETE_ELEM.invokeExact(mapFd, key, value);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** 0, or {@code -errno} (-ENOENT when the key is absent). */
  static int mapDeleteElem(int mapFd, MemorySegment key) {
    try {
      return (int) MAP_DELETE_ELEM.invokeExact(mapFd, key);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** 0, or {@code -errno} (-ENOENT after the last key). */
  static int mapGetNextKey(int mapFd, MemorySegment key, MemorySegment nextKey) {
    try {
      return (int) MAP_GET_NEXT_KEY.invokeExact(mapFd, key, nextKey);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void progTestRunOpts(int programFd, MemorySegment options) {
    LibbpfLog.callStarts();
    try {
      checked((int) PROG_TEST_RUN_OPTS.invokeExact(programFd, options), "bpf_prog_test_run_opts");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int numPossibleCpus() {
    LibbpfLog.callStarts();
    try {
      return checked((int) NUM_POSSIBLE_CPUS.invokeExact(), "libbpf_num_possible_cpus");
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Throws for a {@code -errno} result, quoting what libbpf logged since the call started. */
  static int checked(int result, String call) {
    if (result < 0) {
      throw new LibbpfException(call, -result, LibbpfLog.linesSinceCallStart());
    }
    return result;
  }

  private static MemorySegment checkedPointer(MemorySegment result, String call) {
    if (result.equals(MemorySegment.NULL)) {
      throw new LibbpfException(call, lastErrno(), LibbpfLog.linesSinceCallStart());
    }
    return result;
  }
}
