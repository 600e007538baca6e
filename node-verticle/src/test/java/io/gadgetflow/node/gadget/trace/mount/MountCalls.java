package io.gadgetflow.node.gadget.trace.mount;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount system calls, made by this JVM's calling thread through glibc (2.36 has wrappers for
 * the whole mount API but open_tree_attr, made through syscall(2)): a workload whose arguments a
 * test knows exactly. Each call returns its result, or {@code -errno}.
 */
final class MountCalls {
  static final int AT_FDCWD = -100;
  static final int AT_EMPTY_PATH = 0x1000;
  static final long MS_NOSUID = 0x2;
  static final long MS_NODEV = 0x4;
  static final int MNT_DETACH = 0x2;
  static final int FSCONFIG_SET_STRING = 1;
  static final int FSCONFIG_CMD_CREATE = 6;
  static final int FSMOUNT_CLOEXEC = 0x1;
  static final int MOUNT_ATTR_RDONLY = 0x1;
  static final int MOUNT_ATTR_NOSUID = 0x2;
  static final int MOUNT_ATTR_NODEV = 0x4;
  static final int MOUNT_ATTR_NOEXEC = 0x8;
  static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;
  static final int OPEN_TREE_CLONE = 0x1;

  /** open_tree_attr's number, the same on every architecture (Linux 6.15). */
  private static final long SYS_OPEN_TREE_ATTR = 467;

  /** struct mount_attr: attr_set, attr_clr, propagation, userns_fd (MOUNT_ATTR_SIZE_VER0). */
  private static final StructLayout MOUNT_ATTR =
      MemoryLayout.structLayout(
          JAVA_LONG.withName("attr_set"),
          JAVA_LONG.withName("attr_clr"),
          JAVA_LONG.withName("propagation"),
          JAVA_LONG.withName("userns_fd"));

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private final Arena arena = Arena.ofAuto();
  private final List<Integer> descriptors = new ArrayList<>();

  int mount(String source, Path target, String fs, long flags, String data) {
    return (int)
        call(
            "mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS),
            string(source),
            string(target.toString()),
            string(fs),
            flags,
            string(data));
  }

  int umount2(Path target, int flags) {
    return (int)
        call(
            "umount2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            string(target.toString()),
            flags);
  }

  int fsopen(String fs, int flags) {
    return descriptor(
        call("fsopen", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), string(fs), flags));
  }

  int fsconfig(int fd, int command, String key, String value) {
    return (int)
        call(
            "fsconfig",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT),
            fd,
            command,
            string(key),
            string(value),
            0);
  }

  int fsmount(int fd, int flags, int attributes) {
    return descriptor(
        call(
            "fsmount",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            fd,
            flags,
            attributes));
  }

  int mountSetattr(int dfd, String path, int flags, long attributesSet) {
    return (int)
        call(
            "mount_setattr",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG),
            dfd,
            string(path),
            flags,
            mountAttr(attributesSet),
            MOUNT_ATTR.byteSize());
  }

  int moveMount(int fromDfd, String fromPath, int toDfd, String toPath, int flags) {
    return (int)
        call(
            "move_mount",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT),
            fromDfd,
            string(fromPath),
            toDfd,
            string(toPath),
            flags);
  }

  int openTree(int dfd, String path, int flags) {
    return descriptor(
        call(
            "open_tree",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
            dfd,
            string(path),
            flags));
  }

  int openTreeAttr(int dfd, String path, int flags, long attributesSet) {
    return descriptor(
        call(
            "syscall",
            FunctionDescriptor.of(
                JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1),
            SYS_OPEN_TREE_ATTR,
            dfd,
            string(path),
            flags,
            mountAttr(attributesSet),
            MOUNT_ATTR.byteSize()));
  }

  int fspick(int dfd, String path, int flags) {
    return descriptor(
        call(
            "fspick",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
            dfd,
            string(path),
            flags));
  }

  /** The calling thread's id, which the events of its calls carry. */
  static long gettid() {
    try {
      return (int) downcall("gettid", FunctionDescriptor.of(JAVA_INT)).invoke();
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /** Closes the descriptors the calls returned. */
  void closeDescriptors() {
    for (int fd : descriptors) {
      call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), fd);
    }
    descriptors.clear();
  }

  private int descriptor(long result) {
    if (result >= 0) {
      descriptors.add((int) result);
    }
    return (int) result;
  }

  private MemorySegment mountAttr(long attributesSet) {
    MemorySegment attr = arena.allocate(MOUNT_ATTR);
    attr.set(JAVA_LONG, 0, attributesSet);
    return attr;
  }

  private MemorySegment string(String value) {
    return value == null ? MemorySegment.NULL : arena.allocateFrom(value);
  }

  private long call(String function, FunctionDescriptor descriptor, Object... arguments) {
    return call(function, descriptor, null, arguments);
  }

  private long call(
      String function, FunctionDescriptor descriptor, Linker.Option variadic, Object... arguments) {
    MemorySegment state = arena.allocate(CALL_STATE);
    Linker.Option capture = Linker.Option.captureCallState("errno");
    MethodHandle handle =
        variadic == null
            ? LINKER.downcallHandle(symbol(function), descriptor, capture)
            : LINKER.downcallHandle(symbol(function), descriptor, capture, variadic);
    Object[] withState = new Object[arguments.length + 1];
    withState[0] = state;
    System.arraycopy(arguments, 0, withState, 1, arguments.length);
    try {
      long result = ((Number) handle.invokeWithArguments(withState)).longValue();
      return result < 0 ? -(int) ERRNO.get(state, 0L) : result;
    } catch (Throwable t) {
      throw new AssertionError(function + " could not be called", t);
    }
  }

  private static MethodHandle downcall(String function, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(symbol(function), descriptor);
  }

  private static MemorySegment symbol(String function) {
    return LINKER
        .defaultLookup()
        .find(function)
        .orElseThrow(() -> new AssertionError("libc has no " + function));
  }
}
