package io.gadgetflow.node.gadget.top.blockio;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.TopTable;
import java.util.Set;

/**
 * biotop: src/main/bpf/top/block-io/program.bpf.c, whose {@code stats} map holds one row per
 * process, disk and direction.
 */
public final class BlockIoTopGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.BIOTOP,
              "bpf/top/block-io/program.bpf.o",
              NoEventsDecoder::new,
              Set.of())
          .withTable(
              new TopTable("stats", BlockIoStat.BIO_ID, BlockIoStat.BIO_STAT, BlockIoStat::decode));

  private BlockIoTopGadget() {}
}
