package io.gadgetflow.node.gadget.trace.oomkill;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import java.util.Set;

/** oomkill: src/main/bpf/trace/oomkill/program.bpf.c and its decoder. */
public final class OomKillGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
          GadgetCatalog.OOMKILL,
          "bpf/trace/oomkill/program.bpf.o",
          ProgramLayouts.ofStructs(OomKillEventDecoder.OOMKILL_EVENT),
          OomKillEventDecoder::new,
          Set.of());

  private OomKillGadget() {}
}
