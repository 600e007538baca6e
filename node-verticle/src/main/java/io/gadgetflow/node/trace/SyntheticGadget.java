package io.gadgetflow.node.trace;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.node.gadget.StatusOutput;
import io.gadgetflow.node.kafka.EventSink;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A gadget without a BPF program, whose events a program makes up and hands in with {@link #emit}:
 * from there on they take the path a loaded gadget's events take, to each trace's session, the
 * agent's event queue and producer, under the trace's key and CloudEvents headers, counted in the
 * trace's reports, and their losses told in warning events. Nothing is filtered: every trace that
 * joined gets every event. Public for bench/fleet, which runs hundreds of node agents in one
 * process and measures the control plane and the fan-out of events, not the kernel's side
 * (bench/nodepath measures that), and for the launcher's training run of the node image's AOT cache
 * ({@code io.gadgetflow.cli.NodeTraining}), which has no BPF at an image's build.
 */
public final class SyntheticGadget implements LoadedGadget {
  private final String gadget;
  private final EventSink sink;
  private final String nodeName;
  private final Supplier<Optional<StatusOutput.Result>> result;

  private final JoinedSessions sessions = new JoinedSessions();
  private final LossWarningPace lossWarningPace = new LossWarningPace();

  private volatile boolean closed;

  /**
   * @param gadget the gadget's name in the catalogue
   */
  public SyntheticGadget(String gadget, EventSink sink, String nodeName) {
    this(gadget, sink, nodeName, Optional::empty);
  }

  /**
   * @param result what the gadget gathered so far, made up by the same program (a profile's report,
   *     an advisor's profile), read as a loaded gadget's result is: on a stop or a generate
   */
  public SyntheticGadget(
      String gadget,
      EventSink sink,
      String nodeName,
      Supplier<Optional<StatusOutput.Result>> result) {
    this.gadget = gadget;
    this.sink = sink;
    this.nodeName = nodeName;
    this.result = result;
  }

  public String gadget() {
    return gadget;
  }

  public String nodeName() {
    return nodeName;
  }

  /**
   * Hands one event to every trace that joined, as a loaded gadget's reader thread hands it what it
   * read. Called by one thread at a time.
   *
   * @param json one JSON object, the event as the agent's decoder and enricher would write it
   */
  public void emit(long epochNanos, byte[] json) {
    emit(epochNanos, json, json.length);
  }

  /**
   * As {@link #emit(long, byte[])}, with the event in the first {@code length} bytes of {@code
   * json}: a writer's own array, which each session copies, as a loaded gadget's reader hands it.
   */
  public void emit(long epochNanos, byte[] json, int length) {
    for (TraceSession session : sessions.now()) {
      session.deliver(epochNanos, json, length);
      session.afterRead(0);
    }
    warnAboutLosses();
  }

  /**
   * Warns each trace that joined of its events lost since its last warning (at most every 100 ms),
   * as a loaded gadget's reader does after every read of its ring, with events or without: {@link
   * #emit} does it too, and a program that stops emitting calls it to have later losses told (what
   * Kafka refuses is known late). Called by the thread that emits, or by one thread once none does.
   */
  public void warnAboutLosses() {
    TraceSession[] now = sessions.now();
    if (now.length != 0 && lossWarningPace.due()) {
      for (TraceSession session : now) {
        session.warnAboutLosses(nodeName, KernelLosses.NONE, 0);
      }
    }
  }

  /** Whether the agent unloaded the gadget: nothing it emits goes anywhere any more. */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public TraceSession join(ControlRecord trace, Optional<Path> outputFile, boolean resumed) {
    TraceSession session =
        new TraceSession(
            this,
            sink,
            sink.stream(nodeName, trace),
            outputFile.map(EventFile::append).orElse(null),
            false,
            KernelLosses.NONE,
            null,
            0);
    if (resumed) {
      session.warnResumed(nodeName);
    }
    sessions.add(session);
    return session;
  }

  @Override
  public void leave(TraceSession session) {
    sessions.remove(session);
  }

  @Override
  public KernelLosses kernelLosses() {
    return KernelLosses.NONE;
  }

  @Override
  public long malformedRecords() {
    return 0;
  }

  @Override
  public Optional<StatusOutput.Result> readResult() {
    return result.get();
  }

  @Override
  public void close() {
    closed = true;
  }
}
