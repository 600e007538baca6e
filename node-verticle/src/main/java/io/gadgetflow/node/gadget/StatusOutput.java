package io.gadgetflow.node.gadget;

/**
 * Reads what a running gadget gathered in the kernel (a histogram, a process list, a set of system
 * calls, stack samples) as the JSON text of {@code status.output}. Runs on a worker thread, never
 * concurrently with another read of the same gadget.
 */
@FunctionalInterface
public interface StatusOutput {

  /**
   * The most bytes of UTF-8 an output may take: a node report is one Kafka record (1 MiB by Kafka's
   * defaults), the output in it a JSON string (quotes escaped), and the controller writes it into
   * the Trace, an etcd object of 1.5 MiB at most. The node agent cuts what is larger (see {@code
   * OutputLimit}); a gadget that can choose what to leave out keeps within it itself.
   */
  int MAX_BYTES = 512 * 1024;

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
