package io.gadgetflow.node.gadget;

/**
 * One row of a top gadget's table: what the kernel summed for one key (a thread and a file, a
 * process and a connection, ...) over one interval.
 */
public interface TopRow {

  /** The mount namespace of the row's process, which names its container. */
  long mountNsId();

  /**
   * The row's value in the column {@code column}, to sort by: a {@link Long} or a {@link String};
   * null when the row has no such column.
   */
  Comparable<?> column(String column);

  /** Writes the row's own fields into the row object {@code out} has open. */
  void writeFields(JsonEventWriter out);
}
