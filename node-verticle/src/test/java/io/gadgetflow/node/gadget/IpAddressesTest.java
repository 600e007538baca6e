package io.gadgetflow.node.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpAddressesTest {
  @Test
  void writesIpv6AsRfc5952Says() throws Exception {
    assertThat(text("::1")).isEqualTo("::1");
    assertThat(text("::")).isEqualTo("::");
    assertThat(text("2001:db8:0:0:0:0:0:7")).isEqualTo("2001:db8::7");
    assertThat(text("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
    assertThat(text("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
    assertThat(text("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
    assertThat(text("fe80:0:0:0:0:0:0:0")).isEqualTo("fe80::");
  }

  @Test
  void writesIpv4AndMappedAddressesDotted() throws Exception {
    assertThat(text("192.0.2.7")).isEqualTo("192.0.2.7");
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 127;
    mapped[15] = 1;
    assertThat(IpAddresses.text(IpAddresses.of(mapped))).isEqualTo("127.0.0.1");
  }

  private static String text(String address) throws Exception {
    return IpAddresses.text(InetAddress.getByName(address));
  }
}
