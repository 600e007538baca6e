package io.gadgetflow.node.trace;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.node.bpf.RingBufferReader;
import io.gadgetflow.node.containers.Container;
import io.gadgetflow.node.containers.ContainerFilter;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.containers.ContainerSelection;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.gadget.NetworkAttachments;
import io.gadgetflow.node.gadget.PacketEventHeader;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.StatusOutput;
import io.gadgetflow.node.gadget.TopRow;
import io.gadgetflow.node.gadget.TopTableReader;
import io.gadgetflow.node.kafka.EventSink;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gadget's BPF program loaded once for every trace of this node that runs it with the same
 * parameters, and the platform thread that reads its ring buffer: each record is decoded once,
 * named after its node, namespace, pod and container, and handed to the {@link TraceSession} of
 * every trace whose containers it came from. One program for many traces is what lets a node start
 * a trace in the time it takes to join one, and run more traces of a gadget than the kernel allows
 * programs on one tracepoint.
 *
 * <p>A filtering gadget's kernel filter holds the mount namespaces any of its traces select; each
 * trace then keeps its own in user space. A gadget of socket filters (trace dns, trace sni) watches
 * network namespaces instead: unfiltered, the host's and every container's; filtered, those of the
 * containers its traces select, each trace keeping the events of its own.
 *
 * <p>A top gadget sends nothing through its ring: its thread takes the table the kernel gathered at
 * the end of each interval and hands it to its trace as one event. Such a gadget is loaded for one
 * trace (see {@link SharedGadgets}), since taking the table empties it.
 */
public final class SharedGadget implements LoadedGadget {
  private static final Logger LOG = LoggerFactory.getLogger(SharedGadget.class);
  private static final JsonName MOUNT_NS_ID = JsonName.of(CommonEventFields.MOUNT_NS_ID);
  private static final int POLL_TIMEOUT_MILLIS = 250;

  /**
   * The longest pause after a busy pass: 4 ms, as the event sender's. At 1 ms (before issue 18) the
   * reader was woken a thousand times a second at 50,000 events/s, a fixed cost that with the
   * sender's wake-ups and the producer's requests made a third of the agent's CPU per event at that
   * rate (bench/peers, docs/benchmarks.md, "2026-12-07"); at 400,000 exec events/s the ring holds
   * some 5 ms of events per MiB, and the pause still ends before a lone storm fills half of it.
   */
  private static final long MAX_GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

  private final RunningGadget gadget;

  /** Null unless the gadget is a top gadget. */
  private final TopTableReader table;

  private final EventSink sink;
  private final String nodeName;
  private final ContainerRegistry containers;
  private final NodeNames names;
  private final JsonEventWriter writer = new JsonEventWriter();
  private final Thread reader;

  /** Whether events are selected and named by network namespace. */
  private final boolean byNetwork;

  /** For an unfiltered network gadget: every container's network, followed; else null. */
  private ContainerSelection everyNetwork;

  private final JoinedSessions sessions = new JoinedSessions();

  /** The decoder's count, published by the reader thread, which alone may read the decoder. */
  private volatile long malformedRecords;

  /** Tells a top gadget's thread to end; a ring reader ends when its ring closes. */
  private volatile boolean closing;

  private final LossWarningPace lossWarningPace = new LossWarningPace();

  /** Reader thread only: record bytes handed over, and when the last busy pass ended. */
  private long bytesRead;

  private long bytesReadBeforePass;
  private long lastBusyPassNanos;

  private SharedGadget(
      RunningGadget gadget,
      TopTableReader table,
      EventSink sink,
      String nodeName,
      ContainerRegistry containers) {
    this.gadget = gadget;
    this.table = table;
    this.sink = sink;
    this.nodeName = nodeName;
    this.containers = containers;
    this.names = new NodeNames(nodeName, containers);
    this.byNetwork = gadget.watchesNetworkNamespaces();
    this.reader =
        table == null
            ? Thread.ofPlatform()
                .name("gadgetflow-ring-" + gadget.program().name())
                .uncaughtExceptionHandler(this::died)
                .unstarted(this::readUntilClosed)
            : Thread.ofPlatform()
                .name("gadgetflow-top-" + gadget.program().name())
                .uncaughtExceptionHandler(this::died)
                .unstarted(this::reportEveryInterval);
  }

  /**
   * Loads and attaches the program and starts reading its events, which go nowhere until a trace
   * {@link #join joins}. Blocks for the loading.
   *
   * @param filtered whether the kernel drops the events of mount namespaces no trace selects
   */
  public static SharedGadget load(
      GadgetProgram program,
      boolean filtered,
      int ringBufferBytes,
      GadgetParameters parameters,
      EventSink sink,
      String nodeName,
      ContainerRegistry containers) {
    GadgetOptions options =
        (filtered ? GadgetOptions.filtered(Set.of()) : GadgetOptions.unfiltered())
            .withRingBufferBytes(ringBufferBytes);
    // Before the load: a parameter it refuses fails the start, not the first interval.
    TopTableReader table =
        program
            .table()
            .map(topTable -> new TopTableReader(topTable, program.descriptor(), parameters))
            .orElse(null);
    SharedGadget shared =
        new SharedGadget(
            RunningGadget.start(program, options, parameters), table, sink, nodeName, containers);
    try {
      if (shared.byNetwork && !filtered) {
        shared.watchEveryNetwork();
      }
    } catch (RuntimeException e) {
      shared.gadget.close();
      throw e;
    }
    shared.reader.start();
    return shared;
  }

  /** The host's network namespace, and every container's as they come and go. */
  private void watchEveryNetwork() {
    NetworkAttachments attachments = gadget.networkAttachments();
    attachments.select(containers.hostNetwork());
    everyNetwork =
        containers.follow(
            ContainerFilter.ANY,
            Container::netNamespaceId,
            id -> attachments.select(containers.networkNamespace(id)),
            attachments::deselect);
  }

  /**
   * Starts sending {@code trace}'s events: those of the containers its filter selects, kept current
   * as containers come and go; every event for a gadget loaded unfiltered. Blocks for the filter
   * map's updates.
   *
   * @param outputFile for {@code outputMode: File}, a path already checked
   * @param resumed whether a restarted agent runs the trace again, which its first event says
   */
  @Override
  public TraceSession join(ControlRecord trace, Optional<Path> outputFile, boolean resumed) {
    EventFile file = outputFile.map(EventFile::append).orElse(null);
    TraceSession session =
        new TraceSession(
            this,
            sink,
            sink.stream(nodeName, trace),
            file,
            gadget.filtering(),
            kernelLosses(),
            gadget.filtering() && !byNetwork
                ? gadget.ringShares().map(SelectedNamespaceLosses::new).orElse(null)
                : null,
            malformedRecords);
    try {
      if (gadget.filtering() && byNetwork) {
        NetworkAttachments attachments = gadget.networkAttachments();
        session.follow(
            containers,
            ContainerFilter.of(trace.filter()),
            Container::netNamespaceId,
            id -> attachments.select(containers.networkNamespace(id)),
            attachments::deselect);
      } else if (gadget.filtering()) {
        session.follow(
            containers,
            ContainerFilter.of(trace.filter()),
            Container::mountNamespaceId,
            gadget.mountNamespaceFilter()::select,
            gadget.mountNamespaceFilter()::deselect);
      }
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    if (resumed) {
      session.warnResumed(nodeName);
    }
    sessions.add(session);
    return session;
  }

  /** Stops handing events to {@code session}; the reader may still be handing it one. */
  @Override
  public void leave(TraceSession session) {
    sessions.remove(session);
  }

  /**
   * What the gadget gathered in the kernel so far, as {@code status.output} (for a gadget that has
   * such a result); blocks for the reading.
   */
  @Override
  public Optional<StatusOutput.Result> readResult() {
    return gadget.program().result().map(result -> result.read(gadget, names));
  }

  /** Events the kernel dropped, since the gadget was loaded. */
  @Override
  public KernelLosses kernelLosses() {
    return new KernelLosses(gadget.lostWithoutRoom(), gadget.lostOverShare());
  }

  /** Records the decoder could not read, since the gadget was loaded. */
  @Override
  public long malformedRecords() {
    return malformedRecords;
  }

  /** The gadget's traces would get no event any more, and their counters would stand still. */
  private void died(Thread thread, Throwable cause) {
    LOG.error("{} stopped: {}", thread.getName(), cause.toString(), cause);
    sink.supervision().uncaught(thread, cause);
  }

  private void readUntilClosed() {
    RingBufferReader events = gadget.events();
    int read;
    while ((read = events.poll(this::onRecord, POLL_TIMEOUT_MILLIS)) != RingBufferReader.CLOSED) {
      malformedRecords = gadget.decoder().malformedRecords();
      double ringFill = events.takePeakFill();
      TraceSession[] now = sessions.now();
      for (TraceSession session : now) {
        session.afterRead(ringFill);
      }
      warnAboutLosses(now);
      if (read > 0) {
        letEventsGather(events.capacityBytes());
      }
    }
  }

  /**
   * After a busy pass, waits a moment before the next one, so that on a busy node each pass takes
   * many records instead of the reader being woken for nearly every one (a wake-up costs more than
   * a record). Never longer than {@link #MAX_GATHER_NANOS}, nor than the ring takes to fill halfway
   * at the rate records came in since the previous busy pass.
   */
  private void letEventsGather(long ringBytes) {
    long now = System.nanoTime();
    long bytes = bytesRead - bytesReadBeforePass;
    // Capped so that the product below cannot overflow; a second is far beyond any pause.
    long elapsed = Math.min(now - lastBusyPassNanos, TimeUnit.SECONDS.toNanos(1));
    bytesReadBeforePass = bytesRead;
    lastBusyPassNanos = now;
    long halfFull = bytes == 0 ? MAX_GATHER_NANOS : ringBytes / 2 * elapsed / bytes;
    LockSupport.parkNanos(Math.min(MAX_GATHER_NANOS, halfFull));
  }

  private void onRecord(MemorySegment ring, long offset, int length) {
    bytesRead += length;
    TraceSession[] now = sessions.now();
    if (now.length == 0 || !gadget.decoder().decode(ring, offset, length, writer)) {
      return;
    }
    long mountNamespaceId = EventHeader.mountNsId(ring, offset);
    long epochNanos = EventHeader.bootTimestampNanos(ring, offset) + gadget.bootToEpochNanos();
    long selectedBy = mountNamespaceId;
    Container container = containers.byMountNamespace(mountNamespaceId);
    if (byNetwork) {
      selectedBy = PacketEventHeader.netNsId(ring, offset);
      if (container == null) {
        enrichWithPod(containers.byNetNamespace(selectedBy));
      } else {
        enrich(container);
      }
    } else {
      enrich(container);
    }
    for (TraceSession session : now) {
      if (session.selects(selectedBy)) {
        // The writer's own array: each session copies what it keeps, no array per event.
        session.deliver(epochNanos, writer.buffer(), writer.length());
      }
    }
  }

  /**
   * A top gadget's thread: at the end of each interval, takes the table the kernel gathered and
   * hands it to the traces as one event, then says what was lost, as the ring reader does. The
   * intervals keep their pace however long a report takes, unless one falls a whole interval
   * behind.
   */
  private void reportEveryInterval() {
    long intervalNanos = table.intervalNanos();
    long due = System.nanoTime() + intervalNanos;
    while (!closing) {
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(this, wait);
        continue;
      }
      due = Math.max(due + intervalNanos, System.nanoTime());
      TraceSession[] now = sessions.now();
      report(now);
      warnAboutLosses(now);
    }
  }

  /**
   * One interval's table, taken out of the kernel even when no trace is there to see it, so that
   * the next one starts empty. The gadget is its trace's alone: every row is the trace's.
   */
  private void report(TraceSession[] now) {
    Instant time = Instant.now();
    long epochNanos = time.getEpochSecond() * 1_000_000_000L + time.getNano();
    try {
      List<TopRow> rows = table.top(table.takeRows(gadget));
      if (now.length == 0) {
        return;
      }
      table.beginReport(rows, epochNanos, writer, names);
    } catch (RuntimeException e) {
      LOG.warn("Gadget {}: reading its table failed: {}", gadget.program().name(), e.toString());
      TopTableReader.beginFailure(epochNanos, e.getMessage(), writer);
      writer.field(MOUNT_NS_ID, 0);
    }
    enrich(null);
    for (TraceSession session : now) {
      session.deliver(epochNanos, writer.buffer(), writer.length());
    }
  }

  /** Every event names its node and container; host processes' have empty container fields. */
  private void enrich(Container container) {
    names.write(container, writer);
    writer.endObject();
  }

  /**
   * A packet whose sender is not known is named after the pod whose network it went through, with
   * an empty container: the containers of a pod share its network.
   */
  private void enrichWithPod(Container ofPod) {
    names.writePod(ofPod, writer);
    writer.endObject();
  }

  /** At most every so often, as reading the kernel's counter is a system call. */
  private void warnAboutLosses(TraceSession[] now) {
    if (now.length != 0 && lossWarningPace.due()) {
      KernelLosses kernelLost = kernelLosses();
      for (TraceSession session : now) {
        session.warnAboutLosses(nodeName, kernelLost, malformedRecords);
      }
    }
  }

  /** Detaches the program, waits for the reader to finish, and frees the program. */
  @Override
  public void close() {
    if (everyNetwork != null) {
      everyNetwork.close();
    }
    if (table == null) {
      // Closing the ring wakes its reader.
      gadget.close();
      awaitReader();
      return;
    }
    // A top gadget's thread must be done with the maps before they are freed.
    closing = true;
    LockSupport.unpark(reader);
    awaitReader();
    gadget.close();
  }

  private void awaitReader() {
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
