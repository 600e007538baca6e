package io.gadgetflow.node.gadget.trace.open;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import java.util.Set;

/** opensnoop: src/main/bpf/trace/open/program.bpf.c and its decoder. */
public final class OpenGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
          GadgetCatalog.OPENSNOOP,
          "bpf/trace/open/program.bpf.o",
          ProgramLayouts.ofStructs(OpenEventDecoder.OPEN_EVENT),
          OpenEventDecoder::new,
          // open(2) exists on x86-64 but not on newer architectures such as arm64.
          Set.of("trace_enter_open", "trace_exit_open"));

  private OpenGadget() {}
}
