package io.gadgetflow.node.gadget.trace.tcpretrans;

import io.gadgetflow.testing.TestNetwork;
import java.util.List;

/**
 * A network namespace's own count of TCP segments retransmitted, read inside it: timeouts and tail
 * loss probes alike, as the tracepoint sees them. The kernel adds a retransmission to {@code
 * RetransSegs} ({@code /proc/net/snmp}) before it hands the segment to IP, and to {@code
 * TCPRetransFail} ({@code /proc/net/netstat}) when that fails; the gadget reports only those that
 * went out, so the count is the difference.
 */
record TcpCounters(long retransmittedSegments, long failedRetransmissions) {

  static TcpCounters of(TestNetwork network) {
    return new TcpCounters(
        counter(network.run("cat", "/proc/net/snmp"), "Tcp:", "RetransSegs"),
        counter(network.run("cat", "/proc/net/netstat"), "TcpExt:", "TCPRetransFail"));
  }

  /** Retransmissions that went out since {@code before}. */
  long retransmissionsSince(TcpCounters before) {
    return (retransmittedSegments - before.retransmittedSegments)
        - (failedRetransmissions - before.failedRetransmissions);
  }

  /** The file has a line of names and a line of values per group, both starting with it. */
  private static long counter(String file, String group, String name) {
    List<String> lines = file.lines().filter(line -> line.startsWith(group)).toList();
    List<String> names = List.of(lines.get(0).split(" +"));
    int index = names.indexOf(name);
    if (index < 0) {
      throw new IllegalStateException("no counter " + name + " in " + group);
    }
    return Long.parseLong(lines.get(1).split(" +")[index]);
  }
}
