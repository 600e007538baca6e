package io.gadgetflow.node.gadget.trace.capabilities;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import java.util.Set;

/** capabilities: src/main/bpf/trace/capabilities/program.bpf.c and its decoder. */
public final class CapabilitiesGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.CAPABILITIES,
              "bpf/trace/capabilities/program.bpf.o",
              ProgramLayouts.ofStructs(CapabilitiesEventDecoder.CAPABILITIES_EVENT),
              CapabilitiesEventDecoder::new,
              Set.of())
          .withSetup(CapabilitiesGadget::setUp);

  private CapabilitiesGadget() {}

  private static void setUp(BpfObject object, GadgetParameters parameters) {
    object.setConstant("unique", parameters.bool("unique"));
  }
}
