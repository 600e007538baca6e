package io.gadgetflow.node.gadget;

/**
 * What a gadget does once its programs are attached, before its events are read: e.g. run an
 * iterator that tells the programs about what existed before they were (the owners of sockets
 * already open). Throws to fail the start; the gadget is then closed.
 */
@FunctionalInterface
public interface ProgramStart {
  ProgramStart NONE = gadget -> {};

  void afterAttach(RunningGadget gadget);
}
