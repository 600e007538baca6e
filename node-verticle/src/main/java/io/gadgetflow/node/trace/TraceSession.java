package io.gadgetflow.node.trace;

import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.Losses;
import io.gadgetflow.node.containers.Container;
import io.gadgetflow.node.containers.ContainerFilter;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.containers.ContainerSelection;
import io.gadgetflow.node.gadget.StatusOutput;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.kafka.EventStream;
import io.gadgetflow.node.metrics.NodeMetrics;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;

/**
 * One trace's share of a {@link LoadedGadget}: the events of the containers its filter selects (all
 * of them, without a filter) queued for Kafka under the trace's key and headers, and appended to
 * its file for {@code outputMode: File}. Whatever the kernel, the decoder, the queue, Kafka or the
 * file loses while the trace runs is counted and said in warning events, through Kafka and in the
 * file, each told every loss once. A loss in the shared ring counts for the trace when it was an
 * event of a namespace the trace selects, for a gadget that counts its losses per mount namespace;
 * otherwise it may have been another trace's event, and counts for every trace of the gadget.
 */
public final class TraceSession implements NodeMetrics.Metered, AutoCloseable {
  private static final long[] NONE_SELECTED = {};

  private final LoadedGadget gadget;
  private final EventSink sink;
  private final EventStream stream;
  private final boolean filtered;
  private final KernelLosses kernelLostBefore;

  /**
   * Null unless the trace selects mount namespaces of a gadget that counts losses per namespace.
   */
  private final SelectedNamespaceLosses namespaceLosses;

  private final long malformedBefore;
  private final DoubleAccumulator peakRingFill = new DoubleAccumulator(Math::max, 0);

  /** Null unless {@code outputMode: File}. */
  private final EventFile file;

  /** Null without a filter. Set before the session joins its gadget's readers. */
  private ContainerSelection selection;

  /** Sorted; replaced under the container registry's lock, read by the gadget's reader. */
  private volatile long[] selected = NONE_SELECTED;

  /** Written by the reader thread only. */
  private volatile long queueDrops;

  /**
   * The reader thread's: what the warnings queued for Kafka told of, less what those Kafka refused
   * told of, and what the warnings appended to the file told of.
   */
  private Losses toldThroughKafka = Losses.NONE;

  private Losses toldInFile = Losses.NONE;

  private volatile boolean closed;

  /** The agent's warning that it stops, for Kafka once no reader hands this session events. */
  private volatile Farewell farewell;

  private record Farewell(long epochNanos, byte[] json) {}

  /**
   * Losses before Kafka when the session closed, set then: the gadget's own counters go on with its
   * other traces' losses. Kafka's outcomes of the trace's last events still count after the close.
   */
  private volatile Losses lossesBeforeKafkaAtClose;

  TraceSession(
      LoadedGadget gadget,
      EventSink sink,
      EventStream stream,
      EventFile file,
      boolean filtered,
      KernelLosses kernelLostBefore,
      SelectedNamespaceLosses namespaceLosses,
      long malformedBefore) {
    this.gadget = gadget;
    this.sink = sink;
    this.stream = stream;
    this.file = file;
    this.filtered = filtered;
    this.kernelLostBefore = kernelLostBefore;
    this.namespaceLosses = namespaceLosses;
    this.malformedBefore = malformedBefore;
  }

  /**
   * Selects the namespaces ({@code namespaceOf}) of the containers of {@code filter} in this
   * session and, through {@code select} and {@code deselect}, in the gadget's kernel filter, from
   * now until the session closes.
   */
  void follow(
      ContainerRegistry containers,
      ContainerFilter filter,
      ToLongFunction<Container> namespaceOf,
      LongConsumer select,
      LongConsumer deselect) {
    selection =
        containers.follow(
            filter,
            namespaceOf,
            id -> {
              if (namespaceLosses != null) {
                namespaceLosses.selected(id);
              }
              selected = withId(selected, id);
              select.accept(id);
            },
            id -> {
              deselect.accept(id);
              selected = withoutId(selected, id);
              if (namespaceLosses != null) {
                namespaceLosses.deselected(id);
              }
            });
  }

  /**
   * What the gadget gathered in the kernel so far, as {@code status.output} (for a gadget that has
   * such a result); blocks for the reading.
   */
  public Optional<StatusOutput.Result> readResult() {
    return gadget.readResult();
  }

  @Override
  public EventCounters counters() {
    Losses beforeKafka = lossesBeforeKafkaAtClose;
    if (beforeKafka == null) {
      beforeKafka = droppedBeforeKafka(gadget.kernelLosses(), gadget.malformedRecords());
    }
    return new EventCounters(stream.delivered(), lostSoFar(beforeKafka));
  }

  /**
   * Completes once Kafka answered each of the trace's events queued before the session closed: its
   * counters are final then, and every event it delivered is in Kafka.
   */
  public CompletionStage<Void> lastEventsAnswered() {
    return stream.allAnswered();
  }

  @Override
  public double takeRingBufferFill() {
    return peakRingFill.getThenReset();
  }

  /** Whether an event of this namespace (mount, or network for network gadgets) is the trace's. */
  boolean selects(long namespaceId) {
    return !filtered || Arrays.binarySearch(selected, namespaceId) >= 0;
  }

  /**
   * One of the trace's events, the first {@code length} bytes of {@code json}, from the reader
   * thread; the array is the reader's again when this returns.
   */
  void deliver(long epochNanos, byte[] json, int length) {
    if (closed) {
      return;
    }
    if (file != null) {
      file.appendLine(json, length);
    }
    if (!sink.offer(stream, epochNanos, json, length)) {
      queueDrops++;
    }
  }

  /** After each read of the ring, from the reader thread. */
  void afterRead(double ringFill) {
    peakRingFill.accumulate(ringFill);
    if (file != null) {
      file.flush();
    }
  }

  /**
   * Warns the trace's readers, through Kafka and in its file, of the events lost since each last
   * learnt of a loss; from the reader thread. A warning Kafka refused (it was away: the losses it
   * told of are often its own) is told again with the next one, so each loss reaches Kafka's
   * readers once Kafka takes records again.
   */
  void warnAboutLosses(String nodeName, KernelLosses kernelLost, long malformedRecords) {
    if (closed) {
      return;
    }
    Losses lost = lostSoFar(droppedBeforeKafka(kernelLost, malformedRecords));
    toldThroughKafka = toldThroughKafka.minus(stream.takeLossesUntold());
    Losses untoldThroughKafka = lost.minus(toldThroughKafka);
    Losses untoldInFile = file == null ? Losses.NONE : lost.minus(toldInFile);
    long epochNanos = System.currentTimeMillis() * 1_000_000;
    if (untoldThroughKafka.total() != 0
        && sink.offerWarning(
            stream,
            epochNanos,
            AgentWarning.lostEvents(nodeName, epochNanos, untoldThroughKafka),
            untoldThroughKafka)) {
      toldThroughKafka = lost;
    }
    if (untoldInFile.total() != 0) {
      file.appendWarning(AgentWarning.lostEvents(nodeName, epochNanos, untoldInFile));
      toldInFile = lost;
    }
  }

  /**
   * The warning that a restarted agent runs the trace again (see {@link AgentWarning}), before the
   * session joins its gadget: nothing else hands it events yet.
   */
  void warnResumed(String nodeName) {
    long epochNanos = System.currentTimeMillis() * 1_000_000;
    byte[] json = AgentWarning.json(nodeName, epochNanos, AgentWarning.RESUMED);
    if (file != null) {
      file.appendWarning(json);
    }
    sink.offerWarning(stream, epochNanos, json, Losses.NONE);
  }

  /**
   * The node agent stops while the trace should run on: the warning (see {@link AgentWarning}) goes
   * into the file now (it is closed with the session) and to Kafka by {@link #sendFarewell()}.
   */
  void sayFarewell(String nodeName, long epochNanos) {
    byte[] json = AgentWarning.json(nodeName, epochNanos, AgentWarning.STOPPING);
    if (file != null) {
      file.appendWarning(json);
    }
    farewell = new Farewell(epochNanos, json);
  }

  /**
   * Sends the warning of {@link #sayFarewell} to Kafka; only once the gadget's reader has ended,
   * since an event it was handing this session would race with it.
   */
  void sendFarewell() {
    Farewell last = farewell;
    if (last != null) {
      sink.offerWarning(stream, last.epochNanos(), last.json(), Losses.NONE);
    }
  }

  /**
   * Stops the trace's events and keeps its last counters; the gadget runs on for other traces.
   * Withdraws the trace's containers from the gadget's filter.
   */
  @Override
  public void close() {
    if (lossesBeforeKafkaAtClose != null) {
      return;
    }
    closed = true;
    gadget.leave(this);
    if (selection != null) {
      selection.close();
    }
    if (file != null) {
      file.close();
    }
    lossesBeforeKafkaAtClose = droppedBeforeKafka(gadget.kernelLosses(), gadget.malformedRecords());
  }

  /** With what Kafka refused or expired and what the file could not take. */
  private Losses lostSoFar(Losses beforeKafka) {
    return beforeKafka.plus(
        new Losses(0, 0, 0, 0, stream.failed(), file == null ? 0 : file.failedLines()));
  }

  /** By the kernel, the decoder or a full queue. */
  private Losses droppedBeforeKafka(KernelLosses kernelLost, long malformedRecords) {
    KernelLosses kernel =
        namespaceLosses != null ? namespaceLosses.total() : kernelLost.minus(kernelLostBefore);
    return new Losses(
        kernel.noRoom(), kernel.overShare(), malformedRecords - malformedBefore, queueDrops, 0, 0);
  }

  private static long[] withId(long[] ids, long id) {
    int at = Arrays.binarySearch(ids, id);
    if (at >= 0) {
      return ids;
    }
    int insertAt = -at - 1;
    long[] grown = new long[ids.length + 1];
    System.arraycopy(ids, 0, grown, 0, insertAt);
    grown[insertAt] = id;
    System.arraycopy(ids, insertAt, grown, insertAt + 1, ids.length - insertAt);
    return grown;
  }

  private static long[] withoutId(long[] ids, long id) {
    int at = Arrays.binarySearch(ids, id);
    if (at < 0) {
      return ids;
    }
    long[] shrunk = new long[ids.length - 1];
    System.arraycopy(ids, 0, shrunk, 0, at);
    System.arraycopy(ids, at + 1, shrunk, at, ids.length - at - 1);
    return shrunk;
  }
}
