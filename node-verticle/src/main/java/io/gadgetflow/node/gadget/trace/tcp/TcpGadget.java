package io.gadgetflow.node.gadget.trace.tcp;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import java.util.Set;

/** tcptracer: src/main/bpf/trace/tcp/program.bpf.c and its decoder. */
public final class TcpGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
          GadgetCatalog.TCPTRACER,
          "bpf/trace/tcp/program.bpf.o",
          ProgramLayouts.ofStructs(TcpEventDecoder.TCP_EVENT),
          TcpEventDecoder::new,
          Set.of("trace_exit_accept"));

  private TcpGadget() {}
}
