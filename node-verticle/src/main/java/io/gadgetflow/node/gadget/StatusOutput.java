package io.gadgetflow.node.gadget;

/**
 * Reads what a running gadget gathered in the kernel (a histogram, a process list, a set of system
 * calls) as the JSON text of {@code status.output}. Runs on a worker thread, never concurrently
 * with another read of the same gadget.
 */
@FunctionalInterface
public interface StatusOutput {
  String read(RunningGadget gadget);
}
