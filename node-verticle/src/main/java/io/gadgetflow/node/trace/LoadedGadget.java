package io.gadgetflow.node.trace;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.node.gadget.StatusOutput;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A gadget running for every trace of this node that runs it alike (see {@link SharedGadgets}): the
 * traces join and leave it, each through a {@link TraceSession} of its own. It is a BPF program
 * ({@link SharedGadget}), or, where a benchmark runs node agents without eBPF, events a program
 * makes up ({@link SyntheticGadget}).
 */
public sealed interface LoadedGadget extends AutoCloseable permits SharedGadget, SyntheticGadget {
  /**
   * Starts sending {@code trace}'s events. May block.
   *
   * @param outputFile for {@code outputMode: File}, a path already checked
   * @param resumed whether a restarted agent runs the trace again: the session's first event is
   *     then a warning that nothing was traced while no agent ran it
   */
  TraceSession join(ControlRecord trace, Optional<Path> outputFile, boolean resumed);

  /** Starts sending {@code trace}'s events, for a trace this agent did not run before. */
  default TraceSession join(ControlRecord trace, Optional<Path> outputFile) {
    return join(trace, outputFile, false);
  }

  /** Stops handing events to {@code session}; one may still be on its way to it. */
  void leave(TraceSession session);

  /** Events the kernel dropped before they were read, since the gadget was loaded. */
  KernelLosses kernelLosses();

  /** Records that could not be decoded, since the gadget was loaded. */
  long malformedRecords();

  /**
   * What the gadget gathered so far, as {@code status.output} (for a gadget that has such a
   * result); blocks for the reading.
   */
  Optional<StatusOutput.Result> readResult();

  /** Stops the gadget; blocks until it has. */
  @Override
  void close();
}
