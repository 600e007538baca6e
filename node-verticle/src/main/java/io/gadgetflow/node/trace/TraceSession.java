package io.gadgetflow.node.trace;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.node.bpf.RingBufferReader;
import io.gadgetflow.node.gadget.EventHeader;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.JsonEventWriter;
import io.gadgetflow.node.gadget.JsonName;
import io.gadgetflow.node.gadget.LostEventsWarning;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.kafka.EventStream;
import java.lang.foreign.MemorySegment;
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

  /** Written by the reader thread only. */
  private volatile long queueDrops;

  private long lossesWarned;
  private long nextLossCheckNanos;
  private volatile EventCounters finalCounters;

  private TraceSession(RunningGadget gadget, EventSink sink, EventStream stream, String nodeName) {
    this.gadget = gadget;
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
    RunningGadget gadget = RunningGadget.start(program, options);
    TraceSession session =
        new TraceSession(gadget, sink, new EventStream(nodeName, trace), nodeName);
    session.reader.start();
    return session;
  }

  /** What was delivered to Kafka and what was lost, since the start. */
  public EventCounters counters() {
    EventCounters closed = finalCounters;
    return closed != null
        ? closed
        : new EventCounters(stream.delivered(), gadget.lostEvents() + queueDrops + stream.failed());
  }

  /** How full the ring buffer was at most since the previous call, from 0 to 1. */
  public double takeRingBufferFill() {
    return gadget.events().takePeakFill();
  }

  private void readUntilClosed() {
    while (gadget.events().poll(this::onRecord, POLL_TIMEOUT_MILLIS) != RingBufferReader.CLOSED) {
      warnAboutLosses();
    }
  }

  private void onRecord(MemorySegment ring, long offset, int length) {
    if (!gadget.decoder().decode(ring, offset, length, writer)) {
      return;
    }
    long epochNanos = EventHeader.bootTimestampNanos(ring, offset) + gadget.bootToEpochNanos();
    enrich();
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
    }
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
    finalCounters =
        new EventCounters(stream.delivered(), kernelLost + queueDrops + stream.failed());
  }
}
