package io.gadgetflow.bench.packetfilter;

import static io.gadgetflow.bench.shared.Figures.check;
import static io.gadgetflow.bench.shared.Figures.median;

import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.bpf.BpfProgram;
import io.gadgetflow.node.bpf.PerCpuCounter;
import io.gadgetflow.node.gadget.trace.dns.DnsGadget;
import io.gadgetflow.node.gadget.trace.sni.SniGadget;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs trace dns's and trace sni's socket filters, and a filter that keeps nothing and does nothing
 * else, on packets through BPF_PROG_TEST_RUN, and prints the kernel's average time per run: for
 * packets the gadgets skip (what every other packet of a watched namespace costs) and for packets
 * they report (a DNS query, a TLS ClientHello naming its server behind ten other extensions). The
 * reported ones go to a ring large enough that none is dropped, which the lost counter checks.
 *
 * <p>Run by bench/packetfilter/run.sh: PacketFilterBench BASELINE_OBJECT [ROUNDS]
 */
public final class PacketFilterBench {
  private static final int SKIPPED_RUNS = 1_000_000;
  private static final int REPORTED_RUNS = 10_000;
  private static final int WARMUP_ROUNDS = 2;
  private static final int RING_BYTES = 64 << 20;
  private static final int UDP = 17;
  private static final int TCP = 6;

  private record Packet(String name, byte[] frame, boolean reportedByDns, boolean reportedBySni) {}

  public static void main(String[] args) throws Exception {
    Path baseline = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    List<Packet> packets =
        List.of(
            new Packet("TCP segment, 1400 bytes of data", tcp(443, new byte[1400]), false, false),
            new Packet(
                "UDP datagram to port 443, 1200 bytes", udp(443, new byte[1200]), false, false),
            new Packet("DNS query (UDP port 53)", udp(53, dnsQuery("example.com")), true, false),
            new Packet(
                "TLS ClientHello with SNI", tcp(443, clientHello("example.com")), false, true));

    try (BpfObject pass = BpfObject.open("passfilter", Files.readAllBytes(baseline));
        BpfObject dns = gadget(DnsGadget.PROGRAM.objectResource());
        BpfObject sni = gadget(SniGadget.PROGRAM.objectResource())) {
      pass.load();
      Map<String, BpfProgram> filters = new LinkedHashMap<>();
      filters.put("keep-nothing", pass.program("keep_nothing"));
      filters.put("dns", dns.program("trace_dns"));
      filters.put("sni", sni.program("trace_sni"));
      System.out.printf(
          Locale.ROOT, "%-40s %14s %10s %10s%n", "packet", "keep-nothing", "dns", "sni");
      for (Packet packet : packets) {
        Map<String, List<Double>> nanos = new LinkedHashMap<>();
        for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
          for (Map.Entry<String, BpfProgram> filter : filters.entrySet()) {
            boolean reported =
                filter.getKey().equals("dns") ? packet.reportedByDns() : packet.reportedBySni();
            int runs =
                reported && !filter.getKey().equals("keep-nothing") ? REPORTED_RUNS : SKIPPED_RUNS;
            BpfProgram.TestRunResult result = filter.getValue().testRun(packet.frame(), runs);
            if (round >= 0) {
              nanos
                  .computeIfAbsent(filter.getKey(), key -> new ArrayList<>())
                  .add((double) result.averageNanos());
            }
          }
        }
        System.out.printf(
            Locale.ROOT,
            "%-40s %11.0f ns %7.0f ns %7.0f ns%n",
            packet.name(),
            median(nanos.get("keep-nothing")),
            median(nanos.get("dns")),
            median(nanos.get("sni")));
      }
      for (BpfObject gadget : List.of(dns, sni)) {
        try (PerCpuCounter lost = new PerCpuCounter(gadget.map("lost"))) {
          check(lost.sum() == 0, gadget.name() + " dropped " + lost.sum() + " records");
        }
      }
    }
  }

  private static BpfObject gadget(String resource) {
    BpfObject object = BpfObject.openResource(resource);
    object.map("events").setMaxEntries(RING_BYTES);
    object.load();
    return object;
  }

  /**
   * An Ethernet frame to another host's address (the test run's device is loopback; a frame to its
   * own address would be a received packet on loopback, which trace sni skips as a copy).
   */
  private static byte[] ipv4(int protocol, byte[] transport) {
    ByteBuffer frame = ByteBuffer.allocate(14 + 20 + transport.length);
    frame.put(new byte[] {2, 0, 0, 0, 0, 1}).put(new byte[6]).putShort((short) 0x0800);
    frame.put((byte) 0x45).put((byte) 0).putShort((short) (20 + transport.length));
    frame.putInt(0).put((byte) 64).put((byte) protocol).putShort((short) 0);
    frame.put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2});
    return frame.put(transport).array();
  }

  private static byte[] udp(int destinationPort, byte[] payload) {
    ByteBuffer datagram = ByteBuffer.allocate(8 + payload.length);
    datagram.putShort((short) 40000).putShort((short) destinationPort);
    datagram.putShort((short) (8 + payload.length)).putShort((short) 0);
    return ipv4(UDP, datagram.put(payload).array());
  }

  private static byte[] tcp(int destinationPort, byte[] payload) {
    ByteBuffer segment = ByteBuffer.allocate(20 + payload.length);
    segment.putShort((short) 40000).putShort((short) destinationPort).putInt(1).putInt(1);
    segment.put((byte) 0x50).put((byte) 0x18).putShort((short) 512).putInt(0);
    return ipv4(TCP, segment.put(payload).array());
  }

  private static byte[] dnsQuery(String name) {
    ByteArrayOutputStream query = new ByteArrayOutputStream();
    query.writeBytes(new byte[] {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
    for (String label : name.split("\\.")) {
      query.write(label.length());
      query.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
    }
    query.writeBytes(new byte[] {0, 0, 1, 0, 1});
    return query.toByteArray();
  }

  /** TLS 1.2 record framing, 16 cipher suites, ten extensions, then server_name. */
  private static byte[] clientHello(String serverName) {
    byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream extensions = new ByteArrayOutputStream();
    for (int i = 0; i < 10; i++) {
      extensions.writeBytes(new byte[] {0x0a, (byte) i, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0});
    }
    ByteBuffer serverNameExtension = ByteBuffer.allocate(9 + name.length);
    serverNameExtension.putShort((short) 0).putShort((short) (5 + name.length));
    serverNameExtension.putShort((short) (3 + name.length)).put((byte) 0);
    serverNameExtension.putShort((short) name.length).put(name);
    extensions.writeBytes(serverNameExtension.array());

    ByteBuffer hello = ByteBuffer.allocate(2 + 32 + 1 + 32 + 2 + 32 + 2 + 2 + extensions.size());
    hello.putShort((short) 0x0303).put(new byte[32]).put((byte) 32).put(new byte[32]);
    hello.putShort((short) 32).put(new byte[32]).put((byte) 1).put((byte) 0);
    hello.putShort((short) extensions.size()).put(extensions.toByteArray());
    int body = hello.capacity();
    ByteBuffer record = ByteBuffer.allocate(5 + 4 + body);
    record.put((byte) 0x16).putShort((short) 0x0301).putShort((short) (4 + body));
    record.put((byte) 1).put((byte) (body >> 16)).putShort((short) body);
    return record.put(hello.array()).array();
  }
}
