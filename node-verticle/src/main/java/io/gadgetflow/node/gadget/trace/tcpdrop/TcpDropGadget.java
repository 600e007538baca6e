package io.gadgetflow.node.gadget.trace.tcpdrop;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import io.gadgetflow.node.gadget.SocketOwners;

/** tcpdrop: src/main/bpf/trace/tcpdrop/program.bpf.c and its decoder. */
public final class TcpDropGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.TCPDROP,
              "bpf/trace/tcpdrop/program.bpf.o",
              ProgramLayouts.ofStructs(TcpDropEventDecoder.TCPDROP_EVENT),
              TcpDropEventDecoder::new,
              SocketOwners.OPTIONAL_PROGRAMS)
          .withStart(SocketOwners.REMEMBER_OPEN_SOCKETS);

  private TcpDropGadget() {}
}
