package io.gadgetflow.kubectl;

import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.TraceState;

/**
 * What running a gadget from the command line means, read from its descriptor, so a new gadget
 * needs no CLI change: stream gadgets start, stream until Ctrl-C or --timeout and stop; profile
 * gadgets start, wait, and stop into a report in the Trace's status; snapshot gadgets collect once;
 * advisors start in one command and generate their advice into the status before they stop in
 * another.
 *
 * @param firstOperation the operation the Traces are created with
 * @param runningState the state that operation brings when it worked
 * @param runsUntilStopped whether the gadget runs until Ctrl-C or --timeout and is then stopped
 * @param stoppedState the state {@code stop} brings; null when the gadget is not stopped
 * @param generatesBeforeStop whether the results come from {@code generate}, asked for before stop
 */
record GadgetPlan(
    Operation firstOperation,
    TraceState runningState,
    OutputMode outputMode,
    boolean runsUntilStopped,
    TraceState stoppedState,
    boolean generatesBeforeStop) {

  /**
   * @throws CommandFailure for a gadget whose operations this command line cannot drive
   */
  static GadgetPlan of(GadgetDescriptor gadget) {
    String command = gadget.category().folderName() + " " + gadget.command();
    OutputMode outputMode;
    if (gadget.outputModes().contains(OutputMode.STREAM)) {
      outputMode = OutputMode.STREAM;
    } else if (gadget.outputModes().contains(OutputMode.STATUS)) {
      outputMode = OutputMode.STATUS;
    } else {
      throw new CommandFailure(
          "\"%s\" writes neither a stream nor a status, so there is nothing to print"
              .formatted(command));
    }
    boolean startsAndStops =
        gadget.operations().contains(Operation.START)
            && gadget.operations().contains(Operation.STOP);
    if (startsAndStops && isAdvisor(gadget)) {
      if (outputMode != OutputMode.STATUS) {
        throw new CommandFailure(
            "\"%s\" generates its advice into no status, so there is nothing to print"
                .formatted(command));
      }
      return new GadgetPlan(
          Operation.START, TraceState.STARTED, outputMode, true, TraceState.STOPPED, true);
    }
    if (startsAndStops) {
      TraceState stopped =
          outputMode == OutputMode.STATUS ? TraceState.COMPLETED : TraceState.STOPPED;
      return new GadgetPlan(Operation.START, TraceState.STARTED, outputMode, true, stopped, false);
    }
    if (gadget.operations().contains(Operation.COLLECT)) {
      return new GadgetPlan(
          Operation.COLLECT, TraceState.COMPLETED, outputMode, false, null, false);
    }
    throw new CommandFailure(
        "\"%s\" has neither start and stop nor collect, so kubectl gadget cannot run it"
            .formatted(command));
  }

  /**
   * Whether the gadget is started by one command and ends in another, {@code generate} giving its
   * results, as Inspektor Gadget's {@code advise seccomp-profile start|stop|list}.
   */
  static boolean isAdvisor(GadgetDescriptor gadget) {
    return gadget.operations().contains(Operation.GENERATE);
  }

  boolean streamsEvents() {
    return outputMode == OutputMode.STREAM;
  }

  boolean reportsInStatus() {
    return outputMode == OutputMode.STATUS;
  }
}
