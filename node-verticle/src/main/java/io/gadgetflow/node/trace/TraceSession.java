package io.gadgetflow.node.trace;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.node.bpf.RingBufferReader;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.gadget.LostEventsWarning;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.kafka.EventStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One trace's gadget running on this node: its BPF program, and a platform thread that reads the
 * program's ring buffer, turns records into JSON events and queues them for Kafka. Whatever the
 * kernel or the queue drops is counted, and said in a warning event.
 */
public final class TraceSession implements AutoCloseable {
  private static final JsonName NODE = JsonName.of(CommonEventFields.NODE);
  private static final int POLL_TIMEOUT_MILLIS = 250;
  private static final long LOSS_CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final RunningGadget gadget;
  private final EventSink sink;
  private final EventStream stream;
  private final String nodeName;
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
      Optional<EventFile> file) {
    this.gadget = gadget;
    this.file = file;
    this.sink = sink;
    this.stream = stream;
    this.nodeName = nodeName;
    this.reader =
        Thread.ofPlatform()
            .name("gadgetflow-ring-" + gadget.program().name() + "-" + stream.traceUid())
            .unstarted(this::readUntilClosed);
  }

  /** Loads and attaches the gadget and starts reading its events. Blocks for the loading. */
  public static TraceSession start(
      ControlRecord trace,
      GadgetProgram program,
      GadgetOptions options,
      EventSink sink,
      String nodeName) {
    return start(trace, program, options, sink, nodeName, Optional.empty());
  }

  /**
   * As {@link #start(ControlRecord, GadgetProgram, GadgetOptions, EventSink, String)}, also
   * appending every event to {@code outputFile}, a path already checked.
   */
  static TraceSession start(
      ControlRecord trace,
      GadgetProgram program,
      GadgetOptions options,
      EventSink sink,
      String nodeName,
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
    TraceSession session =
        new TraceSession(gadget, sink, new EventStream(nodeName, trace), nodeName, file);
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
    enrich();
    file.ifPresent(lines -> lines.appendLine(writer.buffer(), writer.length()));
    if (!sink.offer(stream, epochNanos, writer.toByteArray())) {
      queueDrops++;
    }
  }

  private void enrich() {
    writer.field(NODE, nodeName);
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
    enrich();
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
