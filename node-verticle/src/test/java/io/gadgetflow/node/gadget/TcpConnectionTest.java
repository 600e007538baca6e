package io.gadgetflow.node.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TcpConnectionTest {

  @Test
  void statesAreNamedAsInTcpStatesHWithoutTheirPrefix() {
    assertThat(TcpConnection.stateName(1)).isEqualTo("ESTABLISHED");
    assertThat(TcpConnection.stateName(7)).isEqualTo("CLOSE");
    assertThat(TcpConnection.stateName(12)).isEqualTo("NEW_SYN_RECV");
    assertThat(TcpConnection.stateName(0)).as("a packet without a socket").isEmpty();
    assertThat(TcpConnection.stateName(13)).isEqualTo("UNKNOWN#13");
  }

  @Test
  void flagsAreNamedInTheHeadersBitOrder() {
    assertThat(TcpConnection.flagNames(0x00)).isEmpty();
    assertThat(TcpConnection.flagNames(0x02)).isEqualTo("SYN");
    assertThat(TcpConnection.flagNames(0x12)).isEqualTo("SYN|ACK");
    assertThat(TcpConnection.flagNames(0x18)).isEqualTo("PSH|ACK");
    assertThat(TcpConnection.flagNames(0x11)).isEqualTo("FIN|ACK");
    assertThat(TcpConnection.flagNames(0xff)).isEqualTo("FIN|SYN|RST|PSH|ACK|URG|ECE|CWR");
  }
}
