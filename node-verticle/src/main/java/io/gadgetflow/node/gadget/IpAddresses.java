package io.gadgetflow.node.gadget;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP addresses the kernel wrote, for decoders. */
public final class IpAddresses {
  private IpAddresses() {}

  /**
   * The address of {@code bytes} bytes (4 or 16) at {@code offset}, in network order as the kernel
   * keeps it; an IPv4-mapped IPv6 address becomes an {@link Inet4Address}.
   */
  public static InetAddress read(MemorySegment memory, long offset, int bytes) {
    try {
      return InetAddress.getByAddress(memory.asSlice(offset, bytes).toArray(JAVA_BYTE));
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException("an address of 4 or 16 bytes is always valid", impossible);
    }
  }
}
