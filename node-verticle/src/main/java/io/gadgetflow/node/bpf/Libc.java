package io.gadgetflow.node.bpf;

import static io.gadgetflow.node.bpf.NativeCalls.callState;
import static io.gadgetflow.node.bpf.NativeCalls.downcall;
import static io.gadgetflow.node.bpf.NativeCalls.downcallCapturingErrno;
import static io.gadgetflow.node.bpf.NativeCalls.downcallVariadicCapturingErrno;
import static io.gadgetflow.node.bpf.NativeCalls.lastErrno;
import static io.gadgetflow.node.bpf.NativeCalls.unexpected;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The few libc calls the BPF runtime needs. System calls return their result, or {@code -errno}
 * when they fail, so that callers on hot paths decide how to react without an exception.
 */
final class Libc {
  static final int PROT_READ = 0x1;
  static final int PROT_WRITE = 0x2;
  static final int MAP_SHARED = 0x01;
  static final int EPOLL_CLOEXEC = 0x80000;
  static final int EPOLL_CTL_ADD = 1;
  static final int EPOLLIN = 0x001;
  static final int EFD_NONBLOCK = 0x800;
  static final int EFD_CLOEXEC = 0x80000;
  static final int EINTR = 4;
  static final int CLOCK_REALTIME = 0;
  static final int CLOCK_BOOTTIME = 7;
  static final int O_RDONLY = 0;
  static final int O_CLOEXEC = 0x80000;
  static final int O_PATH = 010000000;
  static final int AT_FDCWD = -100;
  static final long RESOLVE_NO_MAGICLINKS = 0x02;
  static final long RESOLVE_NO_SYMLINKS = 0x04;
  static final int EEXIST = 17;
  static final int ELOOP = 40;
  static final int CLONE_NEWNET = 0x40000000;
  static final int AF_PACKET = 17;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_ATTACH_BPF = 50;
  private static final int SC_PAGESIZE = 30;
  private static final long MAP_FAILED = -1L;

  private static final SymbolLookup LIBC = NativeCalls.libc();

  private static final MethodHandle MMAP =
      downcallCapturingErrno(
          LIBC,
          "mmap",
          FunctionDescriptor.of(
              ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
  private static final MethodHandle MUNMAP =
      downcallCapturingErrno(LIBC, "munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle EPOLL_CREATE1 =
      downcallCapturingErrno(LIBC, "epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle EPOLL_CTL =
      downcallCapturingErrno(
          LIBC,
          "epoll_ctl",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle EPOLL_WAIT =
      downcallCapturingErrno(
          LIBC,
          "epoll_wait",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle EVENTFD =
      downcallCapturingErrno(LIBC, "eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle WRITE =
      downcallCapturingErrno(
          LIBC, "write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle READ =
      downcallCapturingErrno(
          LIBC, "read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle CLOSE =
      downcallCapturingErrno(LIBC, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle MOUNT =
      downcallCapturingErrno(
          LIBC,
          "mount",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
  private static final MethodHandle MKDIRAT =
      downcallCapturingErrno(
          LIBC, "mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle OPEN =
      downcallCapturingErrno(LIBC, "open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SETNS =
      downcallCapturingErrno(LIBC, "setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle SOCKET =
      downcallCapturingErrno(
          LIBC, "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle SETSOCKOPT =
      downcallCapturingErrno(
          LIBC,
          "setsockopt",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle BIND =
      downcallCapturingErrno(
          LIBC, "bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle CLOCK_GETTIME =
      downcallCapturingErrno(
          LIBC, "clock_gettime", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

  /** {@code syscall(number, ...)}: every argument passed as a long, as glibc reads them. */
  private static final MethodHandle SYSCALL_5 =
      downcallVariadicCapturingErrno(
          LIBC,
          "syscall",
          FunctionDescriptor.of(
              JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
          1);

  /** {@code syscall(number, int, pointer, pointer, size)}: openat2, which glibc does not wrap. */
  private static final MethodHandle SYSCALL_OPENAT2 =
      downcallVariadicCapturingErrno(
          LIBC,
          "syscall",
          FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG),
          1);

  private static final MethodHandle STATX =
      downcallCapturingErrno(
          LIBC,
          "statx",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

  private static final MethodHandle SYSCONF =
      downcall(LIBC, "sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
  private static final MethodHandle VSNPRINTF =
      downcall(
          LIBC, "vsnprintf", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
  private static final MethodHandle STRERROR =
      downcall(LIBC, "strerror", FunctionDescriptor.of(NativeCalls.C_STRING, JAVA_INT));

  static final long PAGE_SIZE = sysconf(SC_PAGESIZE);

  private Libc() {}

  /** Returns the mapping's address, or {@code -errno}. */
  static long mmap(long length, int protection, int flags, int fd, long offset) {
    try {
      MemorySegment address =
          (MemorySegment)
              MMAP.invokeExact(
                  callState(), MemorySegment.NULL, length, protection, flags, fd, offset);
      return address.address() == MAP_FAILED ? -lastErrno() : address.address();
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int munmap(long address, long length) {
    try {
      return orErrno(
          (int) MUNMAP.invokeExact(callState(), MemorySegment.ofAddress(address), length));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int epollCreate1(int flags) {
    try {
      return orErrno((int) EPOLL_CREATE1.invokeExact(callState(), flags));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int epollCtl(int epollFd, int operation, int fd, MemorySegment event) {
    try {
      return orErrno((int) EPOLL_CTL.invokeExact(callState(), epollFd, operation, fd, event));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int epollWait(int epollFd, MemorySegment events, int maxEvents, int timeoutMillis) {
    try {
      return orErrno(
          (int) EPOLL_WAIT.invokeExact(callState(), epollFd, events, maxEvents, timeoutMillis));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int eventfd(int initialValue, int flags) {
    try {
      return orErrno((int) EVENTFD.invokeExact(callState(), initialValue, flags));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static long write(int fd, MemorySegment bytes) {
    try {
      long written = (long) WRITE.invokeExact(callState(), fd, bytes, bytes.byteSize());
      return written < 0 ? -lastErrno() : written;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Bytes read into {@code buffer} (0 at the end), or {@code -errno}. */
  static long read(int fd, MemorySegment buffer) {
    try {
      long read = (long) READ.invokeExact(callState(), fd, buffer, buffer.byteSize());
      return read < 0 ? -lastErrno() : read;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int close(int fd) {
    try {
      return orErrno((int) CLOSE.invokeExact(callState(), fd));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int mount(
      MemorySegment source, MemorySegment target, MemorySegment fileSystemType, long flags) {
    try {
      return orErrno(
          (int)
              MOUNT.invokeExact(
                  callState(), source, target, fileSystemType, flags, MemorySegment.NULL));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * {@code perf_event_open(attr, pid, cpu, groupFd, flags)}, which glibc does not wrap: the new
   * event's file descriptor, or {@code -errno}.
   */
  static int perfEventOpen(MemorySegment attr, int pid, int cpu, int groupFd, long flags) {
    try {
      long fd =
          (long)
              SYSCALL_5.invokeExact(
                  callState(),
                  NativeArchitecture.current().perfEventOpenSyscall(),
                  attr,
                  (long) pid,
                  (long) cpu,
                  (long) groupFd,
                  flags);
      return fd < 0 ? -lastErrno() : (int) fd;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** A new file descriptor, or {@code -errno}. */
  static int open(MemorySegment path, int flags) {
    try {
      return orErrno((int) OPEN.invokeExact(callState(), path, flags));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * {@code openat2(dirfd, path, how, sizeof how)} (system call 437 on every architecture): a new
   * file descriptor, or {@code -errno}.
   */
  static int openat2(int dirfd, MemorySegment path, MemorySegment how) {
    try {
      long fd =
          (long)
              SYSCALL_OPENAT2.invokeExact(
                  callState(), 437L, (long) dirfd, path, how, how.byteSize());
      return fd < 0 ? -lastErrno() : (int) fd;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code struct open_how} for {@link #openat2}: flags, mode and resolve flags. */
  static MemorySegment openHow(Arena arena, long flags, long mode, long resolve) {
    MemorySegment how = arena.allocate(JAVA_LONG, 3);
    how.setAtIndex(JAVA_LONG, 0, flags);
    how.setAtIndex(JAVA_LONG, 1, mode);
    how.setAtIndex(JAVA_LONG, 2, resolve);
    return how;
  }

  /**
   * {@code mkdirat(dirfd, path, mode)}: 0, or {@code -errno}; never follows a symbolic link that
   * {@code path}'s last component names ({@code EEXIST}).
   */
  static int mkdirat(int dirfd, MemorySegment path, int mode) {
    try {
      return orErrno((int) MKDIRAT.invokeExact(callState(), dirfd, path, mode));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code statx(dirfd, path, flags, mask, buffer)}: 0, or {@code -errno}. */
  static int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment buffer) {
    try {
      return orErrno((int) STATX.invokeExact(callState(), dirfd, path, flags, mask, buffer));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Moves the calling thread into the namespace {@code fd} refers to. */
  static int setns(int fd, int namespaceType) {
    try {
      return orErrno((int) SETNS.invokeExact(callState(), fd, namespaceType));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int socket(int domain, int type, int protocol) {
    try {
      return orErrno((int) SOCKET.invokeExact(callState(), domain, type, protocol));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int setsockopt(int fd, int level, int option, MemorySegment value) {
    try {
      return orErrno(
          (int)
              SETSOCKOPT.invokeExact(
                  callState(), fd, level, option, value, (int) value.byteSize()));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int bind(int fd, MemorySegment address) {
    try {
      return orErrno((int) BIND.invokeExact(callState(), fd, address, (int) address.byteSize()));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Fills a {@code struct timespec} (two longs: seconds, nanoseconds). */
  static int clockGettime(int clock, MemorySegment timespec) {
    try {
      return orErrno((int) CLOCK_GETTIME.invokeExact(callState(), clock, timespec));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code vsnprintf}; {@code vaList} is the pointer a variadic callback received. */
  static int vsnprintf(
      MemorySegment buffer, long size, MemorySegment format, MemorySegment vaList) {
    try {
      return (int) VSNPRINTF.invokeExact(buffer, size, format, vaList);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static String strerror(int errno) {
    try {
      return ((MemorySegment) STRERROR.invokeExact(errno)).getString(0);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  private static long sysconf(int name) {
    try {
      return (long) SYSCONF.invokeExact(name);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  private static int orErrno(int result) {
    return result < 0 ? -lastErrno() : result;
  }
}
