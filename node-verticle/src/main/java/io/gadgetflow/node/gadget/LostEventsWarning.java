package io.gadgetflow.node.gadget;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.kafka.Losses;

/**
 * The event that reports events the kernel dropped, as Inspektor Gadget reports lost samples:
 * {@code {"timestamp":..,"type":"warn","message":"lost N samples"}}, and where they were lost:
 * {@code "lostAt":{"share":N}}, the places of a status report's {@code counters.lostAt} that lost
 * any (docs/events.md).
 */
public final class LostEventsWarning {
  private static final JsonName TIMESTAMP = JsonName.of(CommonEventFields.TIMESTAMP);
  private static final JsonName TYPE = JsonName.of(CommonEventFields.TYPE);
  private static final JsonName MESSAGE = JsonName.of(CommonEventFields.MESSAGE);
  private static final JsonName LOST_AT = JsonName.of("lostAt");
  private static final JsonName[] PLACES = new JsonName[Losses.Place.values().length];

  static {
    for (Losses.Place place : Losses.Place.values()) {
      PLACES[place.ordinal()] = JsonName.of(place.label());
    }
  }

  private LostEventsWarning() {}

  /** Starts the event in {@code out} and leaves it open, as decoders do, for the enricher. */
  public static void begin(JsonEventWriter out, long epochNanos, Losses lost) {
    out.beginObject();
    out.epochNanosField(TIMESTAMP, epochNanos);
    out.field(TYPE, "warn");
    out.field(MESSAGE, "lost " + lost.total() + " samples");
    out.beginObjectField(LOST_AT);
    for (Losses.Place place : Losses.Place.values()) {
      if (place.of(lost) != 0) {
        out.field(PLACES[place.ordinal()], place.of(lost));
      }
    }
    out.endObject();
  }
}
