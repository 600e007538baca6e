package io.gadgetflow.node.gadget.trace.mount;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.ProgramLayouts;
import java.util.Set;

/** mountsnoop: src/main/bpf/trace/mount/program.bpf.c and its decoder. */
public final class MountGadget {
  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
          GadgetCatalog.MOUNTSNOOP,
          "bpf/trace/mount/program.bpf.o",
          ProgramLayouts.ofStructs(MountEventDecoder.MOUNT_EVENT),
          MountEventDecoder::new,
          // Younger than the rest of the mount API: mount_setattr came in Linux 5.12,
          // open_tree_attr in 6.15; a kernel without them still traces the others.
          Set.of(
              "trace_enter_mount_setattr",
              "trace_exit_mount_setattr",
              "trace_enter_open_tree_attr",
              "trace_exit_open_tree_attr"));

  private MountGadget() {}
}
