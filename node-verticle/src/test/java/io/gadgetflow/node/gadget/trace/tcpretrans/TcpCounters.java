package io.gadgetflow.node.gadget.trace.tcpretrans;

import io.gadgetflow.testing.TestNetwork;
import java.util.List;

/**
 * A network namespace's own count of retransmitted TCP segments ({@code RetransSegs} of {@code
 * /proc/net/snmp} read inside it): timeouts and tail loss probes alike, as the tracepoint sees
 * them.
 */
record TcpCounters(long retransmittedSegments) {

  static TcpCounters of(TestNetwork network) {
    return new TcpCounters(counter(network.run("cat", "/proc/net/snmp"), "Tcp:", "RetransSegs"));
  }

  long retransmissionsSince(TcpCounters before) {
    return retransmittedSegments - before.retransmittedSegments;
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
