package io.gadgetflow.node.gadget.top.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import io.gadgetflow.node.gadget.TopRow;
import io.gadgetflow.node.gadget.TopTableReader;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A loopback TCP transfer of known size between two processes: a bash client sends 5000 bytes and
 * reads 3000, this JVM's server reads the 5000 and answers the 3000. Both ends are rows of the
 * table with exactly those bytes.
 */
class TcpTopGadgetIT {
  private static final int CLIENT_SENDS = 5000;
  private static final int SERVER_SENDS = 3000;
  private static final long THIS_PID = ProcessHandle.current().pid();

  @Test
  void countsTheBytesEachEndOfAConnectionSentAndReceived() throws Exception {
    try (RunningGadget gadget = start(Map.of())) {
      TopTableReader table = reader(Map.of());
      Transfer transfer = transfer();

      List<TcpStat> rows = table.takeRows(gadget).stream().map(TcpStat.class::cast).toList();

      assertThat(rows)
          .filteredOn(row -> row.pid() == transfer.clientPid())
          .singleElement()
          .isEqualTo(
              new TcpStat(
                  TestProcesses.currentMountNamespace(),
                  transfer.clientPid(),
                  "bash",
                  TcpStat.AF_INET,
                  4,
                  "127.0.0.1",
                  transfer.clientPort(),
                  "127.0.0.1",
                  transfer.serverPort(),
                  CLIENT_SENDS,
                  SERVER_SENDS));
      // Java's sockets are IPv6 sockets talking IPv4 through mapped addresses.
      assertThat(rows)
          .filteredOn(row -> row.pid() == THIS_PID && row.sport() == transfer.serverPort())
          .singleElement()
          .satisfies(
              server -> {
                assertThat(server.family()).isEqualTo(TcpStat.AF_INET6);
                assertThat(server.ipVersion()).isEqualTo(4);
                assertThat(server.daddr()).isEqualTo("127.0.0.1");
                assertThat(server.dport()).isEqualTo(transfer.clientPort());
                assertThat(server.sent()).isEqualTo(SERVER_SENDS);
                assertThat(server.received()).isEqualTo(CLIENT_SENDS);
              });
      assertThat(gadget.lostEvents()).isZero();
    }
  }

  @Test
  void thePidParameterKeepsOnlyThatProcess() throws Exception {
    Map<String, String> parameters = Map.of("pid", Long.toString(THIS_PID));
    try (RunningGadget gadget = start(parameters)) {
      TopTableReader table = reader(parameters);
      Transfer transfer = transfer();

      List<TopRow> rows = table.takeRows(gadget);

      assertThat(rows).isNotEmpty().allMatch(row -> row.column("pid").equals(THIS_PID));
      assertThat(rows).anyMatch(row -> row.column("sport").equals((long) transfer.serverPort()));
    }
  }

  @Test
  void theFamilyParameterKeepsOnlyThatAddressFamily() throws Exception {
    Map<String, String> parameters = Map.of("family", "4");
    try (RunningGadget gadget = start(parameters)) {
      TopTableReader table = reader(parameters);
      Transfer transfer = transfer();

      List<TcpStat> rows = table.takeRows(gadget).stream().map(TcpStat.class::cast).toList();

      assertThat(rows).allMatch(row -> row.family() == TcpStat.AF_INET);
      assertThat(rows).anyMatch(row -> row.pid() == transfer.clientPid());
      assertThat(rows).noneMatch(row -> row.pid() == THIS_PID);
    }
  }

  private record Transfer(long clientPid, int clientPort, int serverPort) {}

  /** One connection from a bash child to this JVM, both ends done and closed when it returns. */
  private static Transfer transfer() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Integer> clientPort =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket connection = server.accept()) {
                  InputStream in = connection.getInputStream();
                  assertThat(in.readNBytes(CLIENT_SENDS)).hasSize(CLIENT_SENDS);
                  byte[] answer = new byte[SERVER_SENDS];
                  Arrays.fill(answer, (byte) 'y');
                  connection.getOutputStream().write(answer);
                  // The client closes once it has read everything.
                  assertThat(in.read()).isEqualTo(-1);
                  return connection.getPort();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Process client =
          new ProcessBuilder(
                  "bash",
                  "-c",
                  "exec 3<>/dev/tcp/127.0.0.1/%d && printf '%%%ds' '' >&3 && read -r -N %d -u 3 reply && exec 3>&-"
                      .formatted(server.getLocalPort(), CLIENT_SENDS, SERVER_SENDS))
              .inheritIO()
              .start();
      assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(client.exitValue()).isZero();
      return new Transfer(
          client.pid(), clientPort.get(30, TimeUnit.SECONDS), server.getLocalPort());
    }
  }

  private static RunningGadget start(Map<String, String> parameters) {
    return RunningGadget.start(
        TcpTopGadget.PROGRAM,
        GadgetOptions.unfiltered(),
        new GadgetParameters(GadgetCatalog.TCPTOP, parameters));
  }

  private static TopTableReader reader(Map<String, String> parameters) {
    return new TopTableReader(
        TcpTopGadget.PROGRAM.table().orElseThrow(),
        GadgetCatalog.TCPTOP,
        new GadgetParameters(GadgetCatalog.TCPTOP, parameters));
  }
}
