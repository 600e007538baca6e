package io.gadgetflow.kubectl;

import io.gadgetflow.api.gadget.EventField;
import io.gadgetflow.api.gadget.GadgetCategory;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.gadget.ParameterDescriptor;
import io.gadgetflow.api.gadget.ParameterType;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import java.util.List;
import java.util.Set;

/**
 * Descriptors of gadgets the catalogue does not have yet, shaped like the design's catalogue says
 * they will be, to show that commands and plans follow from descriptors alone.
 */
final class TestGadgets {
  static final GadgetDescriptor BIOLATENCY =
      new GadgetDescriptor(
          "biolatency",
          GadgetCategory.PROFILE,
          "block-io",
          "Profile block I/O latency",
          Set.of(Operation.START, Operation.STOP),
          Set.of(OutputMode.STATUS),
          false,
          List.of(),
          List.of());

  static final GadgetDescriptor PROCESS_COLLECTOR =
      new GadgetDescriptor(
          "process-collector",
          GadgetCategory.SNAPSHOT,
          "process",
          "Snapshot the processes",
          Set.of(Operation.COLLECT),
          Set.of(OutputMode.STATUS),
          true,
          List.of(ParameterDescriptor.of("show-threads", ParameterType.BOOL, "false", "threads")),
          List.of(new EventField("pid", EventField.Type.UINT, 7, "process id")));

  static final GadgetDescriptor SECCOMP =
      new GadgetDescriptor(
          "seccomp",
          GadgetCategory.ADVISE,
          "seccomp-profile",
          "Advise a seccomp profile",
          Set.of(Operation.START, Operation.GENERATE, Operation.STOP),
          Set.of(OutputMode.STATUS, OutputMode.EXTERNAL_RESOURCE),
          true,
          List.of(),
          List.of());

  private TestGadgets() {}
}
