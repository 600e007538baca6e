package io.gadgetflow.api.gadget;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/** IP addresses written as parameters, parsed without name resolution. */
public final class IpAddressLiterals {
  private IpAddressLiterals() {}

  /** Four decimal numbers 0-255 separated by dots, and nothing else. */
  public static Optional<Inet4Address> ipv4(String literal) {
    if (!literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Inet4Address.ofLiteral(literal));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * An IPv6 literal, without brackets or zone; an IPv4-mapped one ({@code ::ffff:10.0.0.1}) is
   * refused, being an IPv4 address on the wire.
   */
  public static Optional<Inet6Address> ipv6(String literal) {
    if (!literal.contains(":") || literal.contains("%")) {
      return Optional.empty();
    }
    try {
      InetAddress address = Inet6Address.ofLiteral(literal);
      return address instanceof Inet6Address ipv6 ? Optional.of(ipv6) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
