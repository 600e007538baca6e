package io.gadgetflow.node.gadget.trace.tcpretrans;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import io.gadgetflow.node.gadget.SocketOwners;

/** tcpretrans: src/main/bpf/trace/tcpretrans/program.bpf.c and its decoder. */
public final class TcpRetransGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.TCPRETRANS,
              "bpf/trace/tcpretrans/program.bpf.o",
              ProgramLayouts.ofStructs(TcpRetransEventDecoder.TCPRETRANS_EVENT),
              TcpRetransEventDecoder::new,
              SocketOwners.OPTIONAL_PROGRAMS)
          .withStart(SocketOwners.REMEMBER_OPEN_SOCKETS);

  private TcpRetransGadget() {}
}
