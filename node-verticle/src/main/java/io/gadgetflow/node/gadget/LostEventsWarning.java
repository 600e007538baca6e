package io.gadgetflow.node.gadget;

import io.gadgetflow.api.event.CommonEventFields;

/**
 * The event that reports events the kernel dropped, as Inspektor Gadget reports lost samples:
 * {@code {"timestamp":..,"type":"warn","message":"lost N samples"}}.
 */
public final class LostEventsWarning {
  private static final JsonName TIMESTAMP = JsonName.of(CommonEventFields.TIMESTAMP);
  private static final JsonName TYPE = JsonName.of(CommonEventFields.TYPE);
  private static final JsonName MESSAGE = JsonName.of(CommonEventFields.MESSAGE);

  private LostEventsWarning() {}

  /** Starts the event in {@code out} and leaves it open, as decoders do, for the enricher. */
  public static void begin(JsonEventWriter out, long epochNanos, long lostEvents) {
    out.beginObject();
    out.epochNanosField(TIMESTAMP, epochNanos);
    out.field(TYPE, "warn");
    out.field(MESSAGE, "lost " + lostEvents + " samples");
  }
}
