package io.gadgetflow.api.kafka;

import java.util.function.ToLongFunction;

/**
 * Where a trace's lost events were lost, along the one way they walk: kernel, decoder, the agent's
 * queue, Kafka (or the trace's file). The sum is {@link EventCounters#lost()}.
 *
 * @param kernel dropped in the kernel: its ring was full (or, for the gadgets that aggregate in
 *     kernel maps, a map was full)
 * @param share dropped in the kernel while the ring had room: their mount namespace held more than
 *     its share of the ring (flood isolation, docs/benchmarks.md)
 * @param decoder records the agent could not decode
 * @param queue refused by the agent's full event queue, or by the trace's share of it
 * @param kafka refused by Kafka, or not acknowledged before the producer gave up
 * @param file not written to the trace's file ({@code outputMode: File})
 */
public record Losses(long kernel, long share, long decoder, long queue, long kafka, long file) {
  public static final Losses NONE = new Losses(0, 0, 0, 0, 0, 0);

  /** Each place, by the name the node's metric gives it ({@code place} label) and JSON. */
  public enum Place {
    KERNEL("kernel", Losses::kernel),
    SHARE("share", Losses::share),
    DECODER("decoder", Losses::decoder),
    QUEUE("queue", Losses::queue),
    KAFKA("kafka", Losses::kafka),
    FILE("file", Losses::file);

    private final String label;
    private final ToLongFunction<Losses> count;

    Place(String label, ToLongFunction<Losses> count) {
      this.label = label;
      this.count = count;
    }

    public String label() {
      return label;
    }

    public long of(Losses losses) {
      return count.applyAsLong(losses);
    }
  }

  /** The events lost at every place together. */
  public long total() {
    return kernel + share + decoder + queue + kafka + file;
  }

  public Losses minus(Losses other) {
    return new Losses(
        kernel - other.kernel,
        share - other.share,
        decoder - other.decoder,
        queue - other.queue,
        kafka - other.kafka,
        file - other.file);
  }

  public Losses plus(Losses other) {
    return new Losses(
        kernel + other.kernel,
        share + other.share,
        decoder + other.decoder,
        queue + other.queue,
        kafka + other.kafka,
        file + other.file);
  }
}
