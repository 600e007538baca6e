package io.gadgetflow.node.trace;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
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
import io.gadgetflow.node.gadget.LostEventsWarning;
import io.gadgetflow.node.gadget.MountNamespaceFilter;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.kafka.EventStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One trace's gadget running on this node: its BPF program, and a platform thread that reads the
 * program's ring buffer, turns records into JSON events, adds the node, namespace, pod and
 * container they came from, and queues them for Kafka. Whatever the kernel or the queue drops is
 * counted, and said in a warning event. A filtering gadget's filter map follows the containers of
 * the node.
 */
public final class TraceSession implements AutoCloseable {
  private static final JsonName NODE = JsonName.of(CommonEventFields.NODE);
  private static final JsonName NAMESPACE = JsonName.of(CommonEventFields.NAMESPACE);
  private static final JsonName POD = JsonName.of(CommonEventFields.POD);
  private static final JsonName CONTAINER = JsonName.of(CommonEventFields.CONTAINER);
  private static final JsonName MOUNT_NS_ID = JsonName.of(CommonEventFields.MOUNT_NS_ID);
  private static final int POLL_TIMEOUT_MILLIS = 250;
  private static final long LOSS_CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final RunningGadget gadget;
  private final EventSink sink;
  private final EventStream stream;
  private final String nodeName;
  private final ContainerRegistry containers;
  private final ContainerSelection selection;
  private final JsonEventWriter writer = new JsonEventWriter();
  private final Thread reader;

  /** For {@code outputMode: File}: every event is also appended here. */
  private final Optional<EventFile> file;

  /** Written by the reader thread only. */
  private volatile long queueDrops;

  private long lossesWarned;
  private long nextLossCheckNanos;
  private volatile EventCounters finalCounters;

  private TraceSession(
      RunningGadget gadget,
      EventSink sink,
      EventStream stream,
      String nodeName,
      ContainerRegistry containers,
      ContainerSelection selection,
      Optional<EventFile> file) {
    this.gadget = gadget;
    this.file = file;
    this.sink = sink;
    this.stream = stream;
    this.nodeName = nodeName;
    this.containers = containers;
    this.selection = selection;
    this.reader =
        Thread.ofPlatform()
            .name("gadgetflow-ring-" + gadget.program().name() + "-" + stream.traceUid())
            .unstarted(this::readUntilClosed);
  }

  /**
   * Loads and attaches the gadget and starts reading its events. Blocks for the loading.
   *
   * @param options when filtering, the gadget's filter map then follows the containers of {@code
   *     trace}'s filter
   */
  public static TraceSession start(
      ControlRecord trace,
      GadgetProgram program,
      GadgetOptions options,
      EventSink sink,
      String nodeName,
      ContainerRegistry containers) {
    return start(trace, program, options, sink, nodeName, containers, Optional.empty());
  }

  /**
   * As {@link #start(ControlRecord, GadgetProgram, GadgetOptions, EventSink, String,
   * ContainerRegistry)}, also appending every event to {@code outputFile}, a path already checked.
   */
  static TraceSession start(
      ControlRecord trace,
      GadgetProgram program,
      GadgetOptions options,
      EventSink sink,
      String nodeName,
      ContainerRegistry containers,
      Optional<Path> outputFile) {
    Optional<EventFile> file = outputFile.map(EventFile::append);
    RunningGadget gadget;
    try {
      gadget =
          RunningGadget.start(
              program, options, new GadgetParameters(program.descriptor(), trace.parameters()));
    } catch (RuntimeException e) {
      file.ifPresent(EventFile::close);
      throw e;
    }
    ContainerSelection selection = null;
    if (options.filterByMountNamespace()) {
      MountNamespaceFilter filter = gadget.mountNamespaceFilter();
      try {
        selection =
            containers.follow(
                ContainerFilter.of(trace.filter()),
                options.mountNamespaceIds(),
                filter::select,
                filter::deselect);
      } catch (RuntimeException e) {
        gadget.close();
        file.ifPresent(EventFile::close);
        throw e;
      }
    }
    TraceSession session =
        new TraceSession(
            gadget, sink, new EventStream(nodeName, trace), nodeName, containers, selection, file);
    session.reader.start();
    return session;
  }

  /**
   * What the gadget gathered in the kernel so far, as {@code status.output} (for a gadget that has
   * such a result); blocks for the reading.
   */
  public Optional<String> readResult() {
    return gadget.program().result().map(result -> result.read(gadget));
  }

  /** What was delivered to Kafka and what was lost, since the start. */
  public EventCounters counters() {
    EventCounters closed = finalCounters;
    return closed != null
        ? closed
        : new EventCounters(
            stream.delivered(), gadget.lostEvents() + queueDrops + stream.failed() + fileLosses());
  }

  /** How full the ring buffer was at most since the previous call, from 0 to 1. */
  public double takeRingBufferFill() {
    return gadget.events().takePeakFill();
  }

  private void readUntilClosed() {
    while (gadget.events().poll(this::onRecord, POLL_TIMEOUT_MILLIS) != RingBufferReader.CLOSED) {
      warnAboutLosses();
      file.ifPresent(EventFile::flush);
    }
  }

  private void onRecord(MemorySegment ring, long offset, int length) {
    if (!gadget.decoder().decode(ring, offset, length, writer)) {
      return;
    }
    long epochNanos = EventHeader.bootTimestampNanos(ring, offset) + gadget.bootToEpochNanos();
    enrich(containers.byMountNamespace(EventHeader.mountNsId(ring, offset)));
    file.ifPresent(lines -> lines.appendLine(writer.buffer(), writer.length()));
    if (!sink.offer(stream, epochNanos, writer.toByteArray())) {
      queueDrops++;
    }
  }

  /** Every event names its node and container; host processes' have empty container fields. */
  private void enrich(Container container) {
    writer.field(NODE, nodeName);
    writer.field(NAMESPACE, container == null ? "" : container.namespace());
    writer.field(POD, container == null ? "" : container.pod());
    writer.field(CONTAINER, container == null ? "" : container.name());
    writer.endObject();
  }

  /** At most every so often, as reading the kernel's counter is a system call. */
  private void warnAboutLosses() {
    long now = System.nanoTime();
    if (now - nextLossCheckNanos < 0) {
      return;
    }
    nextLossCheckNanos = now + LOSS_CHECK_INTERVAL_NANOS;
    long lost = gadget.lostEvents() + queueDrops;
    if (lost == lossesWarned) {
      return;
    }
    long epochNanos = System.currentTimeMillis() * 1_000_000;
    LostEventsWarning.begin(writer, epochNanos, lost - lossesWarned);
    writer.field(MOUNT_NS_ID, 0);
    enrich(null);
    if (sink.offerLossWarning(stream, epochNanos, writer.toByteArray())) {
      lossesWarned = lost;
      file.ifPresent(lines -> lines.appendLine(writer.buffer(), writer.length()));
    }
  }

  /** Written by the reader thread; read without a lock, a count that may lag a little. */
  private long fileLosses() {
    return file.map(EventFile::failedLines).orElse(0L);
  }

  /** Detaches the gadget, waits for the reader to finish, and keeps the last counters. */
  @Override
  public void close() {
    if (finalCounters != null) {
      return;
    }
    long kernelLost = gadget.lostEvents();
    if (selection != null) {
      selection.close();
    }
    gadget.close();
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    file.ifPresent(EventFile::close);
    finalCounters =
        new EventCounters(
            stream.delivered(), kernelLost + queueDrops + stream.failed() + fileLosses());
  }
}
