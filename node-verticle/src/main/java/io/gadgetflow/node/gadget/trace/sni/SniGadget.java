package io.gadgetflow.node.gadget.trace.sni;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import java.util.Set;

/** snisnoop: src/main/bpf/trace/sni/program.bpf.c, a socket filter per network namespace. */
public final class SniGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
          GadgetCatalog.SNISNOOP,
          "bpf/trace/sni/program.bpf.o",
          ProgramLayouts.ofStructs(SniEventDecoder.SNI_EVENT),
          SniEventDecoder::new,
          Set.of());

  private SniGadget() {}
}
