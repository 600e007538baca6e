package io.gadgetflow.node.gadget;

import java.nio.ByteBuffer;

/** Builds {@code struct gadget_tcp_connection} into event records, for decoder tests. */
public final class TcpConnectionRecords {
  public static final int BYTES = Math.toIntExact(TcpConnection.MEMBER.byteSize());
  public static final int ESTABLISHED = 1;
  public static final int PSH_ACK = 0x18;

  private TcpConnectionRecords() {}

  /** Appends a connection at the buffer's position. */
  public static ByteBuffer put(
      ByteBuffer record,
      int netns,
      int ipVersion,
      int state,
      int tcpflags,
      int sport,
      int dport,
      byte[] saddr,
      byte[] daddr) {
    int start = record.position();
    record.putInt(netns).put((byte) ipVersion).put((byte) state).put((byte) tcpflags).put((byte) 0);
    record.putShort((short) sport).putShort((short) dport);
    record.put(saddr).position(start + 28).put(daddr).position(start + BYTES);
    return record;
  }

  /** An IPv4 address as it fills the first 4 bytes of an address array. */
  public static byte[] v4(int a, int b, int c, int d) {
    return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
  }

  /** {@code ::ffff:a.b.c.d}, as a dual-stack IPv6 socket talking IPv4 has it. */
  public static byte[] mapped(byte[] v4) {
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xff;
    v6[11] = (byte) 0xff;
    System.arraycopy(v4, 0, v6, 12, 4);
    return v6;
  }
}
