package io.gadgetflow.node.gadget.trace.tcpconnect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.DelayLine;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.testing.TcpPeers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tcpconnect with latency beside libbpf-tools' tcpstates (Debian's {@code /usr/sbin/tcpstates},
 * which runs here on {@code sock:inet_sock_set_state}; libbpf-tools' tcpconnect and tcpconnlat
 * attach kprobes and do not): a connect across a {@link DelayLine} of 20 ms each way. tcpstates
 * prints the connection's state changes, with the milliseconds spent in the old state: the line
 * SYN_SENT to ESTABLISHED has the same addresses and ports as the gadget's event, and the time in
 * SYN_SENT is the gadget's latency, within the little between the connect call and the SYN.
 */
class TcpConnectComparisonIT {
  private static final long TIMEOUT_SECONDS = 60;

  /** "ffff8881... 1234 perl 10.213.0.1 40000 10.213.0.2 38000 SYN_SENT -> ESTABLISHED 40.123". */
  private static final Pattern STATE_CHANGE =
      Pattern.compile(
          "^\\p{XDigit}+ +(\\d+) +(\\S+) +(\\S+) +(\\d+) +(\\S+) +(\\d+) +(\\S+) +-> +(\\S+) +([\\d.]+)$");

  @TempDir Path binaries;

  @Test
  void theLatencyOfAConnectIsTcpstatesTimeInSynSent() throws Exception {
    try (DelayLine link = DelayLine.linkingNewNetworks(binaries, Duration.ofMillis(20));
        RunningGadget gadget =
            RunningGadget.start(
                TcpConnectGadget.PROGRAM,
                GadgetOptions.unfiltered(),
                new GadgetParameters(GadgetCatalog.TCPCONNECT, Map.of("latency", "true")))) {
      TcpPeers.Server server = TcpPeers.echoServer(link.serverNetwork(), DelayLine.SERVER_ADDRESS);
      // Line-buffered through stdbuf: tcpstates writes to a pipe here.
      Process tcpstates =
          new ProcessBuilder("stdbuf", "-oL", "tcpstates", "-D", Integer.toString(server.port()))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread reader = Thread.ofPlatform().start(() -> readLines(tcpstates, lines));
      try {
        EventCollector collector = EventCollector.start(gadget, "tcpconnect-compare-reader");
        awaitLines(lines, 1, tcpstates); // the header: it is attached
        TcpPeers.Client client =
            TcpPeers.client(link.clientNetwork(), DelayLine.SERVER_ADDRESS, server.port());

        JsonNode connect =
            collector.await(TcpConnectGadgetIT.tuple(client.port(), server.port()), 1).getFirst();
        Matcher established = awaitEstablished(lines, client.port(), tcpstates);

        assertThat(established.group(3)).isEqualTo(connect.get("saddr").asText());
        assertThat(Integer.parseInt(established.group(4))).isEqualTo(connect.get("sport").asInt());
        assertThat(established.group(5)).isEqualTo(connect.get("daddr").asText());
        assertThat(Integer.parseInt(established.group(6))).isEqualTo(connect.get("dport").asInt());
        double tcpstatesMillis = Double.parseDouble(established.group(9));
        double gadgetMillis = connect.get("latency").asLong() / 1e6;
        assertThat(tcpstatesMillis).isGreaterThanOrEqualTo(40.0);
        // The two programs' clocks start apart (connect(2) against the SYN) and stop apart (the
        // order of the programs on the tracepoint): microseconds either way.
        assertThat(gadgetMillis).isCloseTo(tcpstatesMillis, within(2.0));
        // The SYN is sent inside connect(2): tcpstates names the same process for that change.
        Matcher synSent = stateChange(lines, "CLOSE", "SYN_SENT");
        assertThat(Long.parseLong(synSent.group(1))).isEqualTo(connect.get("pid").asLong());
      } finally {
        tcpstates.destroy();
        assertThat(tcpstates.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        reader.join();
      }
    }
  }

  private static Matcher awaitEstablished(List<String> lines, int clientPort, Process tcpstates)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline && tcpstates.isAlive()) {
      for (String line : lines) {
        Matcher change = STATE_CHANGE.matcher(line.strip());
        if (change.matches()
            && Integer.parseInt(change.group(4)) == clientPort
            && change.group(7).equals("SYN_SENT")
            && change.group(8).equals("ESTABLISHED")) {
          return change;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("tcpstates printed no SYN_SENT -> ESTABLISHED: " + lines);
  }

  private static Matcher stateChange(List<String> lines, String from, String to) {
    return lines.stream()
        .map(line -> STATE_CHANGE.matcher(line.strip()))
        .filter(Matcher::matches)
        .filter(change -> change.group(7).equals(from) && change.group(8).equals(to))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + from + " -> " + to + " in " + lines));
  }

  private static void awaitLines(List<String> lines, int count, Process tcpstates)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (lines.size() < count) {
      if (System.nanoTime() > deadline || !tcpstates.isAlive()) {
        throw new AssertionError("tcpstates did not start: " + lines);
      }
      Thread.sleep(10);
    }
  }

  private static void readLines(Process process, List<String> lines) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // tcpstates was stopped.
    }
  }
}
