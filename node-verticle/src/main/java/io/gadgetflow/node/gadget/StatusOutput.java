package io.gadgetflow.node.gadget;

/**
 * Reads what a running gadget gathered in the kernel (a histogram, a process list, a set of system
 * calls, stack samples) as the JSON text of {@code status.output}. Runs on a worker thread, never
 * concurrently with another read of the same gadget.
 */
@FunctionalInterface
public interface StatusOutput {

  /**
   * @param names names the container of a mount namespace, for results that say where they come
   *     from
   */
  Result read(RunningGadget gadget, ContainerNames names);

  /**
   * @param output for {@code status.output}
   * @param warning for {@code status.operationWarning}, or null: what the output could not hold
   */
  record Result(String output, String warning) {

    public static Result of(String output) {
      return new Result(output, null);
    }
  }
}
