package io.gadgetflow.node.gadget.trace.tcpconnect;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** tcpconnect: src/main/bpf/trace/tcpconnect/program.bpf.c and its decoder. */
public final class TcpConnectGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.TCPCONNECT,
              "bpf/trace/tcpconnect/program.bpf.o",
              ProgramLayouts.ofStructs(TcpConnectEventDecoder.TCPCONNECT_EVENT),
              TcpConnectEventDecoder::new,
              Set.of())
          .withSetup(TcpConnectGadget::setUp);

  private TcpConnectGadget() {}

  private static void setUp(BpfObject object, GadgetParameters parameters) {
    object.setConstant("calculate_latency", parameters.bool("latency"));
    object.setConstant("min_latency_ns", TimeUnit.MILLISECONDS.toNanos(parameters.unsigned("min")));
  }
}
