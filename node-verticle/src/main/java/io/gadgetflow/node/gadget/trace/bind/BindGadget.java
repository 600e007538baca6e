package io.gadgetflow.node.gadget.trace.bind;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import java.util.Set;

/** bindsnoop: src/main/bpf/trace/bind/program.bpf.c and its decoder. */
public final class BindGadget {
  /** One bit per port, as the program's {@code selected_ports}. */
  private static final int PORT_BITMAP_BYTES = 65_536 / Byte.SIZE;

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.BINDSNOOP,
              "bpf/trace/bind/program.bpf.o",
              ProgramLayouts.ofStructs(BindEventDecoder.BIND_EVENT),
              BindEventDecoder::new,
              Set.of())
          .withSetup(BindGadget::setUp);

  private BindGadget() {}

  private static void setUp(BpfObject object, GadgetParameters parameters) {
    object.setConstant("only_pid", (int) parameters.unsigned("pid"));
    object.setConstant("ignore_errors", parameters.bool("ignore_errors"));
    long[] ports = parameters.unsignedList("ports");
    object.setConstant("filter_by_port", ports.length > 0);
    byte[] selected = new byte[PORT_BITMAP_BYTES];
    for (long port : ports) {
      selected[(int) (port >>> 3)] |= (byte) (1 << (port & 7));
    }
    object.setConstant("selected_ports", selected);
  }
}
