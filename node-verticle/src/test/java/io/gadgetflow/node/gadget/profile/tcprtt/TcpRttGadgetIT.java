package io.gadgetflow.node.gadget.profile.tcprtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.gadget.DelayLine;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetResults;
import io.gadgetflow.node.gadget.LatencyHistogram;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.testing.TcpPeers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round-trip times of a connection between two test networks linked by a {@link DelayLine} of 20 ms
 * each way: every sample is 40 ms and a little more, in the histogram's [32768, 65535] µs interval.
 * The histogram covers the whole node, so the tests select the connection with the gadget's own
 * filters; the other connections of this busy machine have loopback round trips far below a
 * millisecond.
 */
class TcpRttGadgetIT {
  private static final Duration ONE_WAY = Duration.ofMillis(20);
  private static final int EXCHANGES = 20;
  private static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(60);

  @TempDir static Path binaries;
  static DelayLine link;

  @BeforeAll
  static void linkTwoNetworks() throws Exception {
    link = DelayLine.linkingNewNetworks(binaries, ONE_WAY);
  }

  @AfterAll
  static void unlink() {
    if (link != null) {
      link.close();
    }
  }

  @Test
  void theRoundTripsOfAConnectionOverTheDelayLineLandInTheFortyMillisecondInterval()
      throws Exception {
    TcpPeers.Server server = TcpPeers.echoServer(link.serverNetwork(), DelayLine.SERVER_ADDRESS);
    TcpPeers.Client client = warmedUpClient(server);
    try (RunningGadget gadget = start(Map.of("rport", Integer.toString(server.port())))) {
      client.pingPong(EXCHANGES, EXCHANGE_TIMEOUT);

      LatencyHistogram histogram = TcpRttGadget.histogram(gadget);

      assertThat(histogram.valType()).isEqualTo("usecs");
      // The client receives an echo (and maybe an ACK before it) per exchange.
      assertThat(histogram.total()).isGreaterThanOrEqualTo(EXCHANGES);
      assertFortyMillisecondsAndALittleMore(histogram, 32_768L);
    }
  }

  @Test
  void inMillisecondsAndFilteredByAddressBothSidesLandInTheFortyMillisecondInterval()
      throws Exception {
    TcpPeers.Server server = TcpPeers.echoServer(link.serverNetwork(), DelayLine.SERVER_ADDRESS);
    TcpPeers.Client client = warmedUpClient(server);
    // Samples of the server's side (its local address) and the client's (its remote one).
    try (RunningGadget serverSide =
            start(Map.of("milliseconds", "true", "laddr", DelayLine.SERVER_ADDRESS));
        RunningGadget clientSide =
            start(Map.of("milliseconds", "true", "raddr", DelayLine.SERVER_ADDRESS))) {
      client.pingPong(EXCHANGES, EXCHANGE_TIMEOUT);

      for (RunningGadget gadget : new RunningGadget[] {serverSide, clientSide}) {
        JsonNode report = Json.mapper().readTree(GadgetResults.read(gadget).output());
        assertThat(report.get("valType").asText()).isEqualTo("msecs");
        LatencyHistogram histogram = TcpRttGadget.histogram(gadget);
        assertThat(histogram.total()).isGreaterThanOrEqualTo(EXCHANGES);
        assertFortyMillisecondsAndALittleMore(histogram, 32L);
      }
    }
  }

  @Test
  void aFilterThatMatchesNoConnectionCountsNothing() throws Exception {
    TcpPeers.Server server = TcpPeers.echoServer(link.serverNetwork(), DelayLine.SERVER_ADDRESS);
    try (RunningGadget gadget = start(Map.of("laddrv6", "fd00::1"))) {
      TcpPeers.client(link.clientNetwork(), DelayLine.SERVER_ADDRESS, server.port())
          .pingPong(EXCHANGES, EXCHANGE_TIMEOUT);

      assertThat(TcpRttGadget.histogram(gadget).total()).isZero();
    }
  }

  @Test
  void addressFiltersOfBothIpVersionsAreRefusedBeforeLoading() {
    assertThatThrownBy(() -> start(Map.of("laddr", "10.0.0.1", "laddrv6", "fd00::1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("laddr and laddrv6 cannot both be set");
    assertThatThrownBy(() -> start(Map.of("laddr", "10.0.0.1", "raddrv6", "fd00::1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the local and remote address filters must both be IPv4 or both IPv6");
  }

  /**
   * Nothing below the delay line's 40 ms, nearly everything in the interval of 40 ms: a busy
   * machine may hold the relay back and add to a round trip, never take from it.
   */
  private static void assertFortyMillisecondsAndALittleMore(
      LatencyHistogram histogram, long fortyMillisecondsInterval) {
    assertThat(histogram.data())
        .filteredOn(interval -> interval.count() > 0)
        .allSatisfy(
            interval ->
                assertThat(interval.intervalStart())
                    .isGreaterThanOrEqualTo(fortyMillisecondsInterval));
    long inInterval =
        histogram.data().stream()
            .filter(interval -> interval.intervalStart() == fortyMillisecondsInterval)
            .mapToLong(LatencyHistogram.Interval::count)
            .sum();
    assertThat(inInterval)
        .as(histogram.toString())
        .isGreaterThanOrEqualTo(histogram.total() * 9 / 10);
  }

  /**
   * A client whose first exchanges are done: TCP's smoothed round-trip time starts from the first
   * ones, which also count the peers' first wake-ups (an echo carries the acknowledgement, so the
   * server's reaction time is part of the client's sample).
   */
  private static TcpPeers.Client warmedUpClient(TcpPeers.Server server) {
    TcpPeers.Client client =
        TcpPeers.client(link.clientNetwork(), DelayLine.SERVER_ADDRESS, server.port());
    client.pingPong(EXCHANGES, EXCHANGE_TIMEOUT);
    return client;
  }

  private static RunningGadget start(Map<String, String> parameters) {
    return RunningGadget.start(
        TcpRttGadget.PROGRAM,
        GadgetOptions.unfiltered(),
        new GadgetParameters(GadgetCatalog.TCPRTT, new HashMap<>(parameters)));
  }
}
