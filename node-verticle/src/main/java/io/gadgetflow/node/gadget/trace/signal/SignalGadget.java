package io.gadgetflow.node.gadget.trace.signal;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.bpf.BpfProgram;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import java.util.Set;

/**
 * sigsnoop: src/main/bpf/trace/signal/program.bpf.c and its decoder. {@code kill-only} swaps the
 * signal_generate program for the kill system call programs.
 */
public final class SignalGadget {
  private static final String GENERATE_PROGRAM = "trace_signal_generate";

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.SIGSNOOP,
              "bpf/trace/signal/program.bpf.o",
              ProgramLayouts.ofStructs(SignalEventDecoder.SIGNAL_EVENT),
              SignalEventDecoder::new,
              Set.of())
          .withSetup(SignalGadget::setUp);

  private SignalGadget() {}

  private static void setUp(BpfObject object, GadgetParameters parameters) {
    object.setConstant("only_signal", parameters.signal("signal").orElse(0));
    object.setConstant("only_sender_pid", (int) parameters.unsigned("pid"));
    object.setConstant("only_failed", parameters.bool("failed"));
    boolean killOnly = parameters.bool("kill-only");
    for (BpfProgram program : object.programs()) {
      program.setAutoload(killOnly != program.name().equals(GENERATE_PROGRAM));
    }
  }
}
