package io.gadgetflow.faults;

import java.util.List;

/**
 * What a fault did on its {@link FaultPlatform}: the events of the Stream and File Traces that ran
 * through it, the operations annotated around it, what went wrong besides (an {@code
 * operationError} a Trace showed, an operation timeout the controller logged, a result not what the
 * gadget made: empty when nothing did), and what the fault saw of the parts it struck (e.g. when a
 * paused broker was fenced), for the table's notes.
 */
public record PlatformFault(
    FaultFigures stream,
    FaultFigures file,
    OperationFigures operations,
    List<String> problems,
    List<String> notes) {

  public PlatformFault {
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
  }

  /** These, with {@code seen} as the notes. */
  public PlatformFault withNotes(List<String> seen) {
    return new PlatformFault(stream, file, operations, problems, seen);
  }
}
