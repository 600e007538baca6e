package io.gadgetflow.node.gadget.top.tcp;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.ProgramLayouts;
import io.gadgetflow.node.gadget.ProgramLayouts.MapLayout;
import io.gadgetflow.node.gadget.TopTable;
import java.util.List;
import java.util.Set;

/**
 * tcptop: src/main/bpf/top/tcp/program.bpf.c, whose {@code stats} map holds one row per process and
 * connection; {@code pid} and {@code family} narrow it down in the kernel.
 */
public final class TcpTopGadget {
  private static final MapLayout STATS = new MapLayout("stats", TcpStat.TCP_ID, TcpStat.TCP_STAT);

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.TCPTOP,
              "bpf/top/tcp/program.bpf.o",
              new ProgramLayouts(List.of(TcpStat.TCP_ID, TcpStat.TCP_STAT), List.of(STATS)),
              NoEventsDecoder::new,
              Set.of())
          .withSetup(TcpTopGadget::applyParameters)
          .withTable(new TopTable(STATS, TcpStat::decode));

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
