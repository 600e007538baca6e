package io.gadgetflow.node.gadget.trace.fsslower;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/** fsslower: src/main/bpf/trace/fsslower/program.bpf.c and its decoder. */
public final class FsSlowerGadget {
  /** The room of the program's {@code filesystem}, its NUL included. */
  private static final int FS_NAME_BYTES = 16;

  private static final long NANOS_PER_MILLI = 1_000_000L;

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.FSSLOWER,
              "bpf/trace/fsslower/program.bpf.o",
              ProgramLayouts.ofStructs(FsSlowerEventDecoder.FSSLOWER_EVENT),
              FsSlowerEventDecoder::new,
              // open(2) and creat(2) exist on x86-64 but not on newer architectures such as arm64.
              Set.of(
                  "trace_enter_open", "trace_exit_open", "trace_enter_creat", "trace_exit_creat"))
          .withSetup(FsSlowerGadget::setUp);

  private FsSlowerGadget() {}

  private static void setUp(BpfObject object, GadgetParameters parameters) {
    byte[] name = parameters.text("filesystem").getBytes(StandardCharsets.US_ASCII);
    if (name.length >= FS_NAME_BYTES) {
      throw new IllegalArgumentException("filesystem name longer than " + (FS_NAME_BYTES - 1));
    }
    object.setConstant("filesystem", Arrays.copyOf(name, FS_NAME_BYTES));
    object.setConstant("min_latency_ns", parameters.unsigned("min") * NANOS_PER_MILLI);
  }
}
