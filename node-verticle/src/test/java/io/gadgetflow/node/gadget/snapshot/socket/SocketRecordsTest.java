package io.gadgetflow.node.gadget.snapshot.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gadgetflow.node.bpf.NetworkNamespace;
import io.gadgetflow.node.gadget.WatchedNetwork;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class SocketRecordsTest {
  private static final WatchedNetwork POD =
      new WatchedNetwork(new NetworkNamespace(4026532500L, 42), "shop", "web-1");
  private static final int TCP = 6;
  private static final int UDP = 17;

  @Test
  void decodesTcpAndUdpSocketsWithInspektorGadgetsStatuses() {
    ByteBuffer records = ByteBuffer.allocate(3 * 56).order(ByteOrder.nativeOrder());
    record(records, TCP, 4, 10, 8080, 0, 1234, new byte[] {127, 0, 0, 1}, new byte[4]);
    record(records, UDP, 6, 1, 5353, 53, 99, v6(1), v6(2));
    record(records, UDP, 4, 7, 68, 0, 7, new byte[4], new byte[4]);

    var entries = SocketRecords.decode(records.array(), POD);

    assertThat(entries).hasSize(3);
    SocketEntry listener = entries.get(0);
    assertThat(listener)
        .isEqualTo(
            new SocketEntry(
                "shop",
                "web-1",
                4026532500L,
                "TCP",
                "127.0.0.1",
                8080,
                "0.0.0.0",
                0,
                "LISTEN",
                1234));
    assertThat(entries.get(1).status()).isEqualTo("ACTIVE");
    assertThat(entries.get(1).localAddress()).isEqualTo("::1");
    assertThat(entries.get(1).remoteAddress()).isEqualTo("::2");
    assertThat(entries.get(2).status()).isEqualTo("INACTIVE");
  }

  @Test
  void namesEveryTcpState() {
    assertThat(SocketRecords.tcpStatus(1)).isEqualTo("ESTABLISHED");
    assertThat(SocketRecords.tcpStatus(6)).isEqualTo("TIME_WAIT");
    assertThat(SocketRecords.tcpStatus(12)).isEqualTo("NEW_SYN_RECV");
    assertThat(SocketRecords.tcpStatus(13)).isEqualTo("UNKNOWN");
  }

  @Test
  void aPartialRecordIsAnError() {
    assertThatThrownBy(() -> SocketRecords.decode(new byte[57], POD))
        .hasMessageContaining("not whole records");
  }

  private static void record(
      ByteBuffer records,
      int protocol,
      int ipVersion,
      int state,
      int localPort,
      int remotePort,
      long inode,
      byte[] local,
      byte[] remote) {
    int start = records.position();
    records.putInt((int) 4026532500L).put((byte) protocol).put((byte) ipVersion);
    records.put((byte) state).put((byte) 0).putShort((short) localPort);
    records.putShort((short) remotePort).putInt(0).putLong(inode);
    records.put(java.util.Arrays.copyOf(local, 16)).put(java.util.Arrays.copyOf(remote, 16));
    assertThat(records.position() - start).isEqualTo(56);
  }

  private static byte[] v6(int last) {
    byte[] address = new byte[16];
    address[15] = (byte) last;
    return address;
  }
}
