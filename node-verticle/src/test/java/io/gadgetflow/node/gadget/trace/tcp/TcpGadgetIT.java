package io.gadgetflow.node.gadget.trace.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class TcpGadgetIT {
  private static final long PID = ProcessHandle.current().pid();

  @Test
  void reportsConnectAcceptAndCloseOfThisProcess() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (RunningGadget gadget = RunningGadget.start(TcpGadget.PROGRAM, GadgetOptions.unfiltered());
        ServerSocket server = new ServerSocket(0, 1, loopback)) {
      EventCollector collector = EventCollector.start(gadget, "tcp-it-reader");
      int serverPort = server.getLocalPort();
      int clientPort;
      try (Socket client = new Socket()) {
        client.connect(new InetSocketAddress(loopback, serverPort));
        clientPort = client.getLocalPort();
        try (Socket accepted = server.accept()) {
          assertThat(accepted.getPort()).isEqualTo(clientPort);
        }
      }

      JsonNode connect =
          collector.await(e -> is(e, "connect") && ports(e, clientPort, serverPort), 1).getFirst();
      JsonNode accept =
          collector.await(e -> is(e, "accept") && ports(e, serverPort, clientPort), 1).getFirst();
      // The accepted socket is closed first (ESTABLISHED -> FIN_WAIT1), then the client, whose
      // peer has closed already (CLOSE_WAIT -> LAST_ACK): both by this process.
      collector.await(e -> is(e, "close") && ports(e, serverPort, clientPort), 1);
      collector.await(e -> is(e, "close") && ports(e, clientPort, serverPort), 1);

      for (JsonNode event : new JsonNode[] {connect, accept}) {
        assertThat(event.get("pid").asLong()).isEqualTo(PID);
        assertThat(event.get("uid").asLong()).isEqualTo(TestProcesses.currentUid());
        assertThat(event.get("ipversion").asInt()).isEqualTo(4);
        assertThat(event.get("saddr").asText()).isEqualTo("127.0.0.1");
        assertThat(event.get("daddr").asText()).isEqualTo("127.0.0.1");
      }
      assertThat(
              collector.matching(
                  e ->
                      is(e, "close")
                          && (e.get("sport").asInt() == serverPort
                              || e.get("sport").asInt() == clientPort)))
          .allSatisfy(close -> assertThat(close.get("pid").asLong()).isEqualTo(PID));
    }
  }

  @Test
  void reportsIpv6Addresses() throws Exception {
    InetAddress loopback = InetAddress.getByName("::1");
    try (RunningGadget gadget = RunningGadget.start(TcpGadget.PROGRAM, GadgetOptions.unfiltered());
        ServerSocket server = new ServerSocket(0, 1, loopback);
        Socket client = new Socket(loopback, server.getLocalPort());
        Socket accepted = server.accept()) {
      EventCollector collector = EventCollector.start(gadget, "tcp-it-reader");
      JsonNode connect =
          collector
              .await(
                  e -> is(e, "connect") && ports(e, client.getLocalPort(), server.getLocalPort()),
                  1)
              .getFirst();
      assertThat(connect.get("ipversion").asInt()).isEqualTo(6);
      assertThat(connect.get("daddr").asText()).isEqualTo("::1");
      assertThat(connect.get("pid").asLong()).isEqualTo(PID);
      assertThat(accepted.isConnected()).isTrue();
    }
  }

  private static boolean is(JsonNode event, String operation) {
    return operation.equals(event.get("operation").asText());
  }

  private static boolean ports(JsonNode event, int sport, int dport) {
    return event.get("sport").asInt() == sport && event.get("dport").asInt() == dport;
  }
}
