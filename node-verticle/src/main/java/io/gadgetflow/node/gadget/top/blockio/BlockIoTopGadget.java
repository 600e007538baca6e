package io.gadgetflow.node.gadget.top.blockio;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.ProgramLayouts;
import io.gadgetflow.node.gadget.ProgramLayouts.MapLayout;
import io.gadgetflow.node.gadget.TopTable;
import java.util.List;
import java.util.Set;

/**
 * biotop: src/main/bpf/top/block-io/program.bpf.c, whose {@code stats} map holds one row per
 * process, disk and direction.
 */
public final class BlockIoTopGadget {
  private static final MapLayout STATS =
      new MapLayout("stats", BlockIoStat.BIO_ID, BlockIoStat.BIO_STAT);

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.BIOTOP,
              "bpf/top/block-io/program.bpf.o",
              new ProgramLayouts(List.of(BlockIoStat.BIO_ID, BlockIoStat.BIO_STAT), List.of(STATS)),
              NoEventsDecoder::new,
              Set.of())
          .withTable(new TopTable(STATS, BlockIoStat::decode));

  private BlockIoTopGadget() {}
}
