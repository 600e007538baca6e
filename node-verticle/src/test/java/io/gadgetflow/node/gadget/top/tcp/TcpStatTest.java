package io.gadgetflow.node.gadget.top.tcp;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.node.gadget.TopReports;
import io.gadgetflow.testing.RecordSchemas;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpStatTest {
  private static final byte[] V4 = {10, 0, 0, 1};
  private static final byte[] V4_PEER = {(byte) 192, (byte) 168, 1, 2};

  private final Arena arena = Arena.ofAuto();

  @Test
  void decodesAnIpv4Connection() {
    TcpStat row = TcpStat.decode(key(TcpStat.AF_INET, V4, V4_PEER), value());

    assertThat(row)
        .isEqualTo(
            new TcpStat(
                4026532412L,
                31337,
                "curl",
                TcpStat.AF_INET,
                4,
                "10.0.0.1",
                40000,
                "192.168.1.2",
                443,
                1500,
                65536));
    assertThat(row.column("dport")).isEqualTo(443L);
    assertThat(row.column("received")).isEqualTo(65536L);
  }

  @Test
  void anIpv6SocketWithMappedAddressesIsIpv4OnTheWire() {
    TcpStat row = TcpStat.decode(key(TcpStat.AF_INET6, mapped(V4), mapped(V4_PEER)), value());

    assertThat(row.family()).isEqualTo(TcpStat.AF_INET6);
    assertThat(row.ipVersion()).isEqualTo(4);
    assertThat(row.saddr()).isEqualTo("10.0.0.1");
  }

  @Test
  void decodesAnIpv6Connection() {
    byte[] loopback = new byte[16];
    loopback[15] = 1;

    TcpStat row = TcpStat.decode(key(TcpStat.AF_INET6, loopback, loopback), value());

    assertThat(row.ipVersion()).isEqualTo(6);
    assertThat(row.daddr()).isEqualTo("::1");
  }

  @Test
  void aReportOfItsRowsIsATcptopEvent() {
    String report =
        TopReports.of(
            TcpTopGadget.PROGRAM,
            List.of(TcpStat.decode(key(TcpStat.AF_INET, V4, V4_PEER), value())));

    assertThat(report)
        .contains(
            "{\"pid\":31337,\"comm\":\"curl\",\"family\":2,\"ipversion\":4,\"saddr\":\"10.0.0.1\","
                + "\"sport\":40000,\"daddr\":\"192.168.1.2\",\"dport\":443,\"sent\":1500,"
                + "\"received\":65536,\"mountnsid\":4026532412,");
    RecordSchemas.assertValid("event-tcptop.json", report);
  }

  private MemorySegment key(int family, byte[] source, byte[] destination) {
    MemorySegment key = arena.allocate(TcpStat.TCP_ID);
    MemorySegment.copy(source, 0, key, JAVA_BYTE, keyOffset("saddr"), source.length);
    MemorySegment.copy(destination, 0, key, JAVA_BYTE, keyOffset("daddr"), destination.length);
    key.set(JAVA_INT, keyOffset("pid"), 31337);
    key.set(JAVA_SHORT, keyOffset("sport"), (short) 40000);
    key.set(JAVA_SHORT, keyOffset("dport"), (short) 443);
    key.set(JAVA_SHORT, keyOffset("family"), (short) family);
    return key;
  }

  private MemorySegment value() {
    MemorySegment value = arena.allocate(TcpStat.TCP_STAT);
    value.set(JAVA_LONG, TcpStat.TCP_STAT.byteOffset(groupElement("sent")), 1500);
    value.set(JAVA_LONG, TcpStat.TCP_STAT.byteOffset(groupElement("received")), 65536);
    value.set(JAVA_LONG, TcpStat.TCP_STAT.byteOffset(groupElement("mount_ns_id")), 4026532412L);
    byte[] comm = "curl".getBytes(StandardCharsets.US_ASCII);
    MemorySegment.copy(
        comm, 0, value, JAVA_BYTE, TcpStat.TCP_STAT.byteOffset(groupElement("comm")), comm.length);
    return value;
  }

  private static long keyOffset(String member) {
    return TcpStat.TCP_ID.byteOffset(groupElement(member));
  }

  private static byte[] mapped(byte[] v4) {
    byte[] address = new byte[16];
    address[10] = (byte) 0xff;
    address[11] = (byte) 0xff;
    System.arraycopy(v4, 0, address, 12, 4);
    return address;
  }
}
