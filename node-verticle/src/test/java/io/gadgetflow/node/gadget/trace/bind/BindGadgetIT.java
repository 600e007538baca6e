package io.gadgetflow.node.gadget.trace.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.EventCollector;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.Perl;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.TestProcesses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Binds of known sockets, made by a Perl child (exact options) or by this JVM. */
class BindGadgetIT {
  private static final int EADDRINUSE = 98;

  /**
   * Binds a socket of family 4 or 6 and type "tcp" or "udp" to an address and port, after setting
   * the options listed as further arguments: reuseaddr, reuseport, freebind, transparent,
   * nobindport (IP_BIND_ADDRESS_NO_PORT) or device=NAME (SO_BINDTODEVICE). Exits with bind's errno.
   */
  private static final String BIND =
      """
      use Socket qw(:all);
      my ($version, $type, $address, $port, @options) = @ARGV;
      my $family = $version == 6 ? AF_INET6 : AF_INET;
      socket(my $socket, $family, $type eq 'udp' ? SOCK_DGRAM : SOCK_STREAM, 0) or die "socket: $!";
      for (@options) {
        if (/^device=(.*)$/) { setsockopt($socket, SOL_SOCKET, 25, $1) or die "device: $!"; next; }
        my ($level, $name) = @{{ reuseaddr => [1, 2], reuseport => [1, 15], freebind => [0, 15],
          transparent => [0, 19], nobindport => [0, 24] }->{$_}};
        setsockopt($socket, $level, $name, 1) or die "$_: $!";
      }
      my $sockaddr = $version == 6
        ? pack_sockaddr_in6($port, inet_pton(AF_INET6, $address))
        : pack_sockaddr_in($port, inet_aton($address));
      exit(bind($socket, $sockaddr) ? 0 : $! + 0);
      """;

  /** Binds two TCP sockets to 127.0.0.1 and one port: the second fails, then binds another port. */
  private static final String BIND_TWICE_THEN_ELSEWHERE =
      """
      use Socket qw(:all);
      my ($port, $other) = @ARGV;
      my $address = pack_sockaddr_in($port, inet_aton('127.0.0.1'));
      socket(my $first, AF_INET, SOCK_STREAM, 0) or die;
      bind($first, $address) or die "first bind: $!";
      socket(my $second, AF_INET, SOCK_STREAM, 0) or die;
      bind($second, $address) and die 'the second bind should fail';
      my $failure = $! + 0;
      bind($second, pack_sockaddr_in($other, inet_aton('127.0.0.1'))) or die "other bind: $!";
      exit($failure);
      """;

  @Test
  void reportsTheAddressPortProtocolOptionsAndDeviceOfABind() throws Exception {
    try (RunningGadget gadget = start(Map.of())) {
      EventCollector collector = EventCollector.start(gadget, "bind-it-reader");
      int port = freePort();
      Perl.Run tcp =
          Perl.run(
              BIND,
              4,
              "tcp",
              "127.0.0.1",
              port,
              "reuseaddr",
              "reuseport",
              "freebind",
              "transparent",
              "nobindport",
              "device=lo");
      assertThat(tcp.exitStatus()).isZero();
      int udpPort = freePort();
      Perl.Run udp = Perl.run(BIND, 6, "udp", "::1", udpPort);
      assertThat(udp.exitStatus()).isZero();

      JsonNode event = collector.await(by(tcp), 1).getFirst();
      assertThat(event.get("comm").asText()).isEqualTo("perl");
      assertThat(event.get("proto").asText()).isEqualTo("TCP");
      assertThat(event.get("addr").asText()).isEqualTo("127.0.0.1");
      assertThat(event.get("port").asInt()).isEqualTo(port);
      assertThat(event.get("opts").asText()).isEqualTo("rRNTF");
      assertThat(event.get("if").asText()).isEqualTo("lo");
      assertThat(event.get("ret").asInt()).isZero();
      assertThat(event.get("uid").asLong()).isEqualTo(TestProcesses.currentUid());
      assertThat(event.get("gid").asLong()).isEqualTo(TestProcesses.currentGid());
      assertThat(event.get("mountnsid").asLong()).isEqualTo(TestProcesses.currentMountNamespace());

      JsonNode udpEvent = collector.await(by(udp), 1).getFirst();
      assertThat(udpEvent.get("proto").asText()).isEqualTo("UDP");
      assertThat(udpEvent.get("addr").asText()).isEqualTo("::1");
      assertThat(udpEvent.get("port").asInt()).isEqualTo(udpPort);
      assertThat(udpEvent.get("opts").asText()).isEqualTo(".....");
      assertThat(udpEvent.get("if").asText()).isEmpty();
    }
  }

  @Test
  void failedBindsAreReportedOnlyWhenErrorsAreNotIgnored() throws Exception {
    try (RunningGadget ignoring = start(Map.of());
        RunningGadget reporting = start(Map.of("ignore_errors", "false"))) {
      EventCollector ignored = EventCollector.start(ignoring, "bind-it-ignoring");
      EventCollector reported = EventCollector.start(reporting, "bind-it-reporting");
      int port = freePort();
      int other = freePort();
      Perl.Run perl = Perl.run(BIND_TWICE_THEN_ELSEWHERE, port, other);
      assertThat(perl.exitStatus()).isEqualTo(EADDRINUSE);

      assertThat(reported.await(by(perl), 3))
          .extracting(event -> event.get("port").asInt(), event -> event.get("ret").asInt())
          .containsExactly(tuple(port, 0), tuple(port, -EADDRINUSE), tuple(other, 0));
      // The successful bind to the other port comes after the failure, from the same thread.
      ignored.await(event -> by(perl).test(event) && event.get("port").asInt() == other, 1);
      assertThat(ignored.matching(by(perl)))
          .extracting(event -> event.get("ret").asInt())
          .containsOnly(0)
          .hasSize(2);
    }
  }

  @Test
  void onlyTheSelectedPortsAndProcessAreReported() throws Exception {
    int selected = freePort();
    int other = freePort();
    long jvm = ProcessHandle.current().pid();
    try (RunningGadget byPort = start(Map.of("ports", "1," + selected));
        RunningGadget byProcess = start(Map.of("pid", String.valueOf(jvm)))) {
      EventCollector onPort = EventCollector.start(byPort, "bind-it-port");
      EventCollector ofProcess = EventCollector.start(byProcess, "bind-it-process");
      Perl.Run toOther = Perl.run(BIND, 4, "tcp", "127.0.0.1", other);
      Perl.Run toSelected = Perl.run(BIND, 4, "tcp", "127.0.0.1", selected);
      assertThat(toOther.exitStatus()).isZero();
      assertThat(toSelected.exitStatus()).isZero();
      int jvmPort = freePort();
      try (ServerSocketChannel channel = ServerSocketChannel.open()) {
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), jvmPort));

        onPort.await(by(toSelected), 1);
        assertThat(onPort.matching(by(toOther))).isEmpty();
        JsonNode own = ofProcess.await(event -> event.get("port").asInt() == jvmPort, 1).getFirst();
        assertThat(own.get("pid").asLong()).isEqualTo(jvm);
        assertThat(ofProcess.matching(event -> event.get("pid").asLong() != jvm)).isEmpty();
      }
    }
  }

  private static RunningGadget start(Map<String, String> parameters) {
    return RunningGadget.start(
        BindGadget.PROGRAM,
        GadgetOptions.unfiltered(),
        new GadgetParameters(GadgetCatalog.BINDSNOOP, parameters));
  }

  private static Predicate<JsonNode> by(Perl.Run run) {
    return event -> event.get("pid").asLong() == run.pid();
  }

  /** A port nothing listens on now: the kernel's choice for a bind to port 0. */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
