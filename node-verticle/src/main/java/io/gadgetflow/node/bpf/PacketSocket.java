package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * An {@code AF_PACKET} socket of the network namespace it was opened in, running a socket filter
 * program on every packet that goes through any device of that namespace, in and out. {@code
 * SOCK_DGRAM}: the program sees each packet from its network header on, whatever the link type. The
 * filter decides what the socket keeps; GadgetFlow's keep nothing and send what they see to their
 * ring buffer. Closing the socket detaches the program.
 */
public final class PacketSocket implements AutoCloseable {
  private static final short ETH_P_ALL = 0x0003;

  /** {@code struct sockaddr_ll}: family, protocol (network order), ifindex, and the rest zero. */
  private static final long SOCKADDR_LL_BYTES = 20;

  private int fd;

  private PacketSocket(int fd) {
    this.fd = fd;
  }

  /**
   * Opens the socket in the calling thread's network namespace (see {@link NetworkNamespace#run})
   * with {@code program}, a loaded socket filter, attached before the socket receives anything.
   */
  public static PacketSocket open(BpfProgram program) {
    int programFd = program.fd();
    // Protocol 0 receives nothing until bind: no packet gets past an absent filter.
    int fd =
        SyscallException.check(
            Libc.socket(Libc.AF_PACKET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0),
            "socket(AF_PACKET)");
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment programFdValue = arena.allocateFrom(JAVA_INT, programFd);
      SyscallException.check(
          Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_BPF, programFdValue),
          "SO_ATTACH_BPF of " + program.name());
      MemorySegment everyDevice = arena.allocate(SOCKADDR_LL_BYTES, 4);
      everyDevice.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
      everyDevice.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, ETH_P_ALL);
      SyscallException.check(Libc.bind(fd, everyDevice), "bind of a packet socket");
      return new PacketSocket(fd);
    } catch (RuntimeException e) {
      Libc.close(fd);
      throw e;
    }
  }

  /** Idempotent; any thread. */
  @Override
  public synchronized void close() {
    if (fd >= 0) {
      Libc.close(fd);
      fd = -1;
    }
  }
}
