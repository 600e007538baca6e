package io.gadgetflow.node.gadget.profile.tcprtt;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.LatencyHistogram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.ProgramLayouts;
import io.gadgetflow.node.gadget.ProgramLayouts.MapLayout;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.StatusOutput;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * tcprtt: src/main/bpf/profile/tcprtt/program.bpf.c. Its histogram starts empty with each start
 * (each start loads the program afresh) and is read once, when the trace stops, in microseconds or,
 * with {@code milliseconds}, milliseconds.
 */
public final class TcpRttGadget {
  /** Slot n of the histogram, and how many round-trip times it counted. */
  private static final MapLayout RTT_SLOTS =
      new MapLayout("rtt_slots", LatencyHistogram.SLOT, LatencyHistogram.COUNT);

  private static final int IPV6_ADDRESS_BYTES = 16;

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.TCPRTT,
              "bpf/profile/tcprtt/program.bpf.o",
              ProgramLayouts.ofMaps(RTT_SLOTS),
              NoEventsDecoder::new,
              Set.of())
          .withSetup(TcpRttGadget::setUp)
          .withResult(
              (gadget, names) ->
                  StatusOutput.Result.of(
                      new String(Json.encode(histogram(gadget)), StandardCharsets.UTF_8)));

  private TcpRttGadget() {}

  public static LatencyHistogram histogram(RunningGadget gadget) {
    boolean milliseconds = gadget.parameters().bool("milliseconds");
    return LatencyHistogram.read(
        gadget,
        RTT_SLOTS,
        milliseconds ? LatencyHistogram.MILLISECONDS : LatencyHistogram.MICROSECONDS);
  }

  private static void setUp(BpfObject object, GadgetParameters parameters) {
    object.setConstant("milliseconds", parameters.bool("milliseconds"));
    object.setConstant("local_port", (int) parameters.unsigned("lport"));
    object.setConstant("remote_port", (int) parameters.unsigned("rport"));
    Optional<InetAddress> local = only("laddr", "laddrv6", parameters);
    Optional<InetAddress> remote = only("raddr", "raddrv6", parameters);
    if (local.isPresent()
        && remote.isPresent()
        && local.get() instanceof Inet4Address != remote.get() instanceof Inet4Address) {
      throw new IllegalArgumentException(
          "the local and remote address filters must both be IPv4 or both IPv6");
    }
    setAddress(object, "local_address", local);
    setAddress(object, "remote_address", remote);
  }

  /** The address of the IPv4 or the IPv6 parameter; never both. */
  private static Optional<InetAddress> only(
      String ipv4Parameter, String ipv6Parameter, GadgetParameters parameters) {
    Optional<InetAddress> ipv4 = parameters.address(ipv4Parameter);
    Optional<InetAddress> ipv6 = parameters.address(ipv6Parameter);
    if (ipv4.isPresent() && ipv6.isPresent()) {
      throw new IllegalArgumentException(
          "%s and %s cannot both be set".formatted(ipv4Parameter, ipv6Parameter));
    }
    return ipv4.or(() -> ipv6);
  }

  private static void setAddress(BpfObject object, String variable, Optional<InetAddress> address) {
    byte[] bytes = address.map(InetAddress::getAddress).orElse(new byte[0]);
    object.setConstant(variable + "_bytes", bytes.length);
    object.setConstant(variable, Arrays.copyOf(bytes, IPV6_ADDRESS_BYTES));
  }
}
