package io.gadgetflow.node.gadget.top.tcp;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.TopTable;
import java.util.Set;

/**
 * tcptop: src/main/bpf/top/tcp/program.bpf.c, whose {@code stats} map holds one row per process and
 * connection; {@code pid} and {@code family} narrow it down in the kernel.
 */
public final class TcpTopGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.TCPTOP, "bpf/top/tcp/program.bpf.o", NoEventsDecoder::new, Set.of())
          .withSetup(TcpTopGadget::applyParameters)
          .withTable(new TopTable("stats", TcpStat.TCP_ID, TcpStat.TCP_STAT, TcpStat::decode));

  private TcpTopGadget() {}

  private static void applyParameters(BpfObject object, GadgetParameters parameters) {
    object.setConstant("target_pid", (int) parameters.unsigned("pid"));
    object.setConstant(
        "target_family",
        switch (parameters.text("family")) {
          case "4" -> TcpStat.AF_INET;
          case "6" -> TcpStat.AF_INET6;
          default -> 0;
        });
  }
}
