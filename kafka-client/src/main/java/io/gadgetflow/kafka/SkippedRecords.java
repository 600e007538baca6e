package io.gadgetflow.kafka;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The records one reader skipped, by {@link RecordFault kind}: each kind is told the first time it
 * is seen (where the record was and what was wrong with it), then only counted, so a topic full of
 * bad records cannot flood the log. Safe to use from any thread.
 */
public final class SkippedRecords {
  /** The meter every reader's skipped records are counted in, tagged by reader and kind. */
  public static final String METER = "gadgetflow.skipped.records";

  private final String reader;
  private final Consumer<String> firstOfKind;
  private final Map<RecordFault, AtomicLong> counts = new EnumMap<>(RecordFault.class);

  /**
   * @param reader names the reader in messages and in the meter's {@code reader} tag, e.g. {@code
   *     node-control}
   * @param firstOfKind where the first skipped record of each kind is told, e.g. a logger's warn
   */
  public SkippedRecords(String reader, Consumer<String> firstOfKind) {
    this.reader = reader;
    this.firstOfKind = firstOfKind;
    for (RecordFault fault : RecordFault.values()) {
      counts.put(fault, new AtomicLong());
    }
  }

  /**
   * Counts one skipped record.
   *
   * @param where the record's topic, partition and offset, e.g. {@code gadget.status-2@17}
   */
  public void skip(String where, RecordFault fault, String detail) {
    if (counts.get(fault).getAndIncrement() == 0) {
      firstOfKind.accept(
          "%s skipped a record at %s (%s: %s); further %s records are only counted (%s)"
              .formatted(
                  reader,
                  where,
                  fault.tag(),
                  detail,
                  fault.tag(),
                  "gadgetflow_skipped_records_total"));
    }
  }

  public long count(RecordFault fault) {
    return counts.get(fault).get();
  }

  public long total() {
    return counts.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Shows the counts as {@code gadgetflow_skipped_records_total{reader,kind}}. */
  public void bindTo(MeterRegistry registry) {
    for (RecordFault fault : RecordFault.values()) {
      FunctionCounter.builder(METER, counts.get(fault), AtomicLong::get)
          .description("Records of the contract's topics a reader skipped, by kind of fault")
          .tag("reader", reader)
          .tag("kind", fault.tag())
          .register(registry);
    }
  }

  /** {@code topic-partition@offset}, as Kafka's tools name a record. */
  public static String where(String topic, int partition, long offset) {
    return topic + "-" + partition + "@" + offset;
  }
}
