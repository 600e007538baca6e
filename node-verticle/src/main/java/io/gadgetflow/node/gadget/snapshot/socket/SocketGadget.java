package io.gadgetflow.node.gadget.snapshot.socket;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.ProgramLayouts;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.StatusOutput;
import io.gadgetflow.node.gadget.WatchedNetwork;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * socket-collector: src/main/bpf/snapshot/socket/program.bpf.c. Each collect runs its TCP and UDP
 * iterators once in each network namespace of the node, or of the selected containers, and answers
 * with a JSON array of {@link SocketEntry}; the {@code protocol} parameter keeps the iterators of
 * the other protocol from writing anything.
 */
public final class SocketGadget {
  private static final String TCP_ITERATOR = "collect_tcp";
  private static final String UDP_ITERATOR = "collect_udp";
  private static final Map<String, Byte> PROTOCOLS =
      Map.of("all", (byte) 3, "tcp", (byte) 1, "udp", (byte) 2);

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.SOCKET_COLLECTOR,
              "bpf/snapshot/socket/program.bpf.o",
              ProgramLayouts.ofStructs(SocketRecords.SOCKET_RECORD),
              NoEventsDecoder::new,
              Set.of())
          .withSetup(SocketGadget::setUp)
          .withResult(
              (gadget, names) ->
                  StatusOutput.Result.of(
                      new String(Json.encode(sockets(gadget)), StandardCharsets.UTF_8)));

  private static final Comparator<SocketEntry> ORDER =
      Comparator.comparing(SocketEntry::namespace)
          .thenComparing(SocketEntry::pod)
          .thenComparingLong(SocketEntry::netnsid)
          .thenComparing(SocketEntry::protocol)
          .thenComparing(SocketEntry::status)
          .thenComparing(SocketEntry::localAddress)
          .thenComparingInt(SocketEntry::localPort)
          .thenComparing(SocketEntry::remoteAddress)
          .thenComparingInt(SocketEntry::remotePort)
          .thenComparingLong(SocketEntry::inodeNumber);

  private SocketGadget() {}

  /**
   * The sockets of the gadget's networks, sorted as Inspektor Gadget sorts them (pod, protocol,
   * status, addresses).
   */
  public static List<SocketEntry> sockets(RunningGadget gadget) {
    List<SocketEntry> sockets = new ArrayList<>();
    for (WatchedNetwork network : gadget.networks()) {
      for (String iterator : List.of(TCP_ITERATOR, UDP_ITERATOR)) {
        sockets.addAll(
            SocketRecords.decode(gadget.readIterator(iterator, network.namespace()), network));
      }
    }
    sockets.sort(ORDER);
    return sockets;
  }

  private static void setUp(BpfObject object, GadgetParameters parameters) {
    Byte protocols = PROTOCOLS.get(parameters.string("protocol"));
    if (protocols == null) {
      throw new IllegalArgumentException("protocol must be one of " + PROTOCOLS.keySet());
    }
    object.setConstant("collected_protocols", new byte[] {protocols});
  }
}
