package io.gadgetflow.api.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpAddressLiteralsTest {

  @Test
  void ipv4IsFourDecimalNumbersUpTo255() {
    assertThat(IpAddressLiterals.ipv4("10.213.0.1")).isPresent();
    assertThat(IpAddressLiterals.ipv4("255.255.255.255")).isPresent();
    assertThat(IpAddressLiterals.ipv4("256.0.0.1")).isEmpty();
    assertThat(IpAddressLiterals.ipv4("10.0.1")).isEmpty();
    assertThat(IpAddressLiterals.ipv4("localhost")).isEmpty();
    assertThat(IpAddressLiterals.ipv4("::1")).isEmpty();
  }

  @Test
  void ipv6IsAnIpv6LiteralThatIsNoMappedIpv4() {
    assertThat(IpAddressLiterals.ipv6("fd00::1")).isPresent();
    assertThat(IpAddressLiterals.ipv6("::1")).isPresent();
    assertThat(IpAddressLiterals.ipv6("::ffff:10.0.0.1")).isEmpty();
    assertThat(IpAddressLiterals.ipv6("10.0.0.1")).isEmpty();
    assertThat(IpAddressLiterals.ipv6("fe80::1%lo")).isEmpty();
    assertThat(IpAddressLiterals.ipv6("fd00::g")).isEmpty();
  }

  @Test
  void theParameterTypesAcceptAnEmptyValueAsNone() {
    assertThat(ParameterType.IPV4.check("")).isEmpty();
    assertThat(ParameterType.IPV6.check("")).isEmpty();
    assertThat(ParameterType.IPV4.check("fd00::1"))
        .contains("expected an IPv4 address such as 10.0.0.1");
    assertThat(ParameterType.IPV6.check("10.0.0.1"))
        .contains("expected an IPv6 address such as fd00::1");
  }
}
