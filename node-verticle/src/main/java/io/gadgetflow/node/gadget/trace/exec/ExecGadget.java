package io.gadgetflow.node.gadget.trace.exec;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import java.util.Set;

/** execsnoop: src/main/bpf/trace/exec/program.bpf.c and its decoder. */
public final class ExecGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
          GadgetCatalog.EXECSNOOP,
          "bpf/trace/exec/program.bpf.o",
          ProgramLayouts.ofStructs(ExecEventDecoder.EXEC_EVENT),
          ExecEventDecoder::new,
          Set.of());

  private ExecGadget() {}
}
