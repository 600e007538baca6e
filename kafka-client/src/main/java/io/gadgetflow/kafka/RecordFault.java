package io.gadgetflow.kafka;

/**
 * Why a reader skipped a record of one of the contract's topics. Every reader treats records as
 * untrusted input (DESIGN.md section 6): a bad record is counted by its kind, logged the first time
 * its kind is seen, and skipped; it never stops the reader or what the reader feeds.
 */
public enum RecordFault {
  /** The record has no key, and every contract topic is keyed by trace uid. */
  NO_KEY("no-key"),
  /** The value is not JSON (or not UTF-8 text). */
  NOT_JSON("not-json"),
  /** The value is JSON of another shape: not an object, or a field of the wrong type. */
  WRONG_SHAPE("wrong-shape"),
  /** A field the record cannot be used without is missing or empty. */
  INCOMPLETE("incomplete"),
  /** The value names another trace than the key does. */
  KEY_MISMATCH("key-mismatch"),
  /** The value is larger than the reader passes on. */
  TOO_LARGE("too-large"),
  /** The record was read, but what it feeds failed on it. */
  UNHANDLED("unhandled");

  private final String tag;

  RecordFault(String tag) {
    this.tag = tag;
  }

  /** The kind's name in metrics and logs. */
  public String tag() {
    return tag;
  }
}
