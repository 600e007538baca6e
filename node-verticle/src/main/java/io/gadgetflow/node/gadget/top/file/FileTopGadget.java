package io.gadgetflow.node.gadget.top.file;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.ProgramLayouts;
import io.gadgetflow.node.gadget.ProgramLayouts.MapLayout;
import io.gadgetflow.node.gadget.TopTable;
import java.util.List;
import java.util.Set;

/**
 * filetop: src/main/bpf/top/file/program.bpf.c, whose {@code stats} map holds one row per thread
 * and file; {@code all_files} counts every kind of file, not only regular ones.
 */
public final class FileTopGadget {
  private static final MapLayout STATS =
      new MapLayout("stats", FileStat.FILE_ID, FileStat.FILE_STAT);

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.FILETOP,
              "bpf/top/file/program.bpf.o",
              new ProgramLayouts(List.of(FileStat.FILE_ID, FileStat.FILE_STAT), List.of(STATS)),
              NoEventsDecoder::new,
              Set.of())
          .withSetup(
              (object, parameters) ->
                  object.setConstant("regular_files_only", !parameters.bool("all_files")))
          .withTable(new TopTable(STATS, FileStat::decode));

  private FileTopGadget() {}
}
