package io.gadgetflow.node.gadget;

import io.gadgetflow.node.bpf.BpfObject;

/**
 * Attaches a gadget's loaded programs, with the trace's parameters: by default where each program's
 * section says; a gadget whose programs run from perf events opens those itself. The links made
 * belong to the object, which closes them.
 */
@FunctionalInterface
public interface ProgramAttach {
  ProgramAttach BY_SECTION = (object, parameters) -> object.attachAll();

  void attach(BpfObject object, GadgetParameters parameters);
}
