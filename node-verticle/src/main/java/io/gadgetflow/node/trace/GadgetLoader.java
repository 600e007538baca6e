package io.gadgetflow.node.trace;

import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.kafka.EventSink;

/**
 * How a node agent loads a gadget for its traces. An agent loads BPF programs into the kernel
 * ({@link #KERNEL}); bench/fleet gives its agents a loader of {@link SyntheticGadget}s, to run
 * hundreds of agents in one process with the real control, status and event code but without eBPF.
 */
@FunctionalInterface
public interface GadgetLoader {
  /** The BPF program of the gadget, loaded and attached, its ring buffer read by a thread. */
  GadgetLoader KERNEL = SharedGadget::load;

  /**
   * Loads the gadget and starts its events, which go nowhere until a trace joins. Blocks (it runs
   * on the agent's worker pool).
   *
   * @param filtered whether the gadget's events are kept only for the containers of its traces
   */
  LoadedGadget load(
      GadgetProgram program,
      boolean filtered,
      int ringBufferBytes,
      GadgetParameters parameters,
      EventSink sink,
      String nodeName,
      ContainerRegistry containers);
}
