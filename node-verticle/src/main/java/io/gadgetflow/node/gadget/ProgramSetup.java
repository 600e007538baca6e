package io.gadgetflow.node.gadget;

import io.gadgetflow.node.bpf.BpfObject;

/**
 * Turns a trace's parameters into the settings of a gadget's opened BPF object: its {@code const
 * volatile} globals and which of its programs load. Throws {@link IllegalArgumentException} for a
 * value the controller should have refused.
 */
@FunctionalInterface
public interface ProgramSetup {
  ProgramSetup NONE = (object, parameters) -> {};

  void beforeLoad(BpfObject object, GadgetParameters parameters);
}
