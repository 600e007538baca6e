package io.gadgetflow.api.kafka;

/**
 * Kafka header names of CloudEvents 1.0 in binary content mode, carried by every {@code
 * gadget.events} record.
 */
public final class CloudEventHeaders {
  public static final String SPEC_VERSION = "ce_specversion";
  public static final String ID = "ce_id";
  public static final String SOURCE = "ce_source";
  public static final String TYPE = "ce_type";
  public static final String TIME = "ce_time";
  public static final String SUBJECT = "ce_subject";
  public static final String CONTENT_TYPE = "content-type";

  public static final String SPEC_VERSION_VALUE = "1.0";
  public static final String JSON_CONTENT_TYPE = "application/json";

  /**
   * {@code content-type} of a batch record: several events of one trace, one JSON object a line
   * (docs/events.md, "Batch records"). Node agents write it only when told to ({@code
   * GADGETFLOW_EVENT_FORM=batch}).
   */
  public static final String NDJSON_CONTENT_TYPE = "application/x-ndjson";

  /** How many events a batch record carries, in decimal; its {@code ce_id} is the first one's. */
  public static final String EVENT_COUNT = "gadgetflow_events";

  /** {@code ce_type} of an event of gadget {@code gadget}, e.g. {@code io.gadgetflow.execsnoop}. */
  public static String typeOf(String gadget) {
    return "io.gadgetflow." + gadget;
  }

  /**
   * {@code ce_type} of a batch record of gadget {@code gadget}, e.g. {@code
   * io.gadgetflow.execsnoop.batch}.
   */
  public static String batchTypeOf(String gadget) {
    return typeOf(gadget) + ".batch";
  }

  private CloudEventHeaders() {}
}
