package io.gadgetflow.node.gadget;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Addresses as the kernel keeps them, in network order, read from event records. */
public final class IpAddresses {
  private IpAddresses() {}

  /**
   * The address of {@code bytes} (4 or 16) bytes at {@code offset}; an IPv4-mapped IPv6 address
   * becomes an {@link Inet4Address}, which is what such a socket has on the wire.
   */
  public static InetAddress read(MemorySegment memory, long offset, int bytes) {
    return of(memory.asSlice(offset, bytes).toArray(JAVA_BYTE));
  }

  /** {@code address} is 4 or 16 bytes long. */
  public static InetAddress of(byte[] address) {
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.length, e);
    }
  }

  /** The address at {@code offset} as {@link #text(InetAddress)} writes it. */
  public static String readText(MemorySegment memory, long offset, int bytes) {
    return text(read(memory, offset, bytes));
  }

  /**
   * Dotted IPv4, or IPv6 in its canonical text (RFC 5952: lower case, no leading zeros, the longest
   * run of zero groups as {@code ::}), as Inspektor Gadget and dig print them.
   */
  public static String text(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) {
      return address.getHostAddress();
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (bytes[2 * i] & 0xFF) << 8 | (bytes[2 * i + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /** 4 or 6. */
  public static int version(InetAddress address) {
    return address instanceof Inet4Address ? 4 : 6;
  }
}
