package io.gadgetflow.api.gadget;

import java.util.List;

/**
 * The parameters every top gadget has, with Inspektor Gadget's names and defaults: how often it
 * reports ({@code interval}, seconds), how many rows a report keeps ({@code max_rows}) and in which
 * order ({@code sort_by}). The node agent reports one table per interval; clients that merge
 * several nodes' tables sort and cut them again the same way.
 */
public final class TopParameters {
  public static final String INTERVAL = "interval";
  public static final String MAX_ROWS = "max_rows";
  public static final String SORT_BY = "sort_by";

  public static final long DEFAULT_INTERVAL_SECONDS = 1;
  public static final long DEFAULT_MAX_ROWS = 20;

  /** An hour: beyond that a table says little about now. */
  private static final long MAX_INTERVAL_SECONDS = 3600;

  /**
   * A report is one Kafka record, which must fit the producer's and broker's default limit of 1
   * MiB: a row takes a few hundred bytes, up to about 1 KiB with a file name of 255 bytes that are
   * not UTF-8 (each becomes U+FFFD, three bytes).
   */
  private static final long MAX_ROWS_LIMIT = 500;

  private TopParameters() {}

  /**
   * @param defaultSort the gadget's default order, e.g. {@code -reads,-writes}
   * @param columns the columns {@code sort_by} may name
   */
  public static List<ParameterDescriptor> of(String defaultSort, List<String> columns) {
    return List.of(
        ParameterDescriptor.of(
                INTERVAL,
                ParameterType.UINT,
                Long.toString(DEFAULT_INTERVAL_SECONDS),
                "seconds between two reports")
            .withRange(1L, MAX_INTERVAL_SECONDS),
        ParameterDescriptor.of(
                MAX_ROWS,
                ParameterType.UINT,
                Long.toString(DEFAULT_MAX_ROWS),
                "rows of each report, the first in sort order")
            .withRange(1L, MAX_ROWS_LIMIT),
        ParameterDescriptor.of(
                SORT_BY,
                ParameterType.SORT_BY,
                defaultSort,
                "columns to sort by, separated by commas; -column sorts it in descending order")
            .withAllowedValues(columns));
  }

  /** The order {@code sort_by} gives, or the gadget's default. */
  public static SortOrder sortOrder(GadgetDescriptor gadget, String sortBy) {
    return SortOrder.parse(
        sortBy == null || sortBy.isBlank()
            ? gadget.parameter(SORT_BY).orElseThrow().defaultValue()
            : sortBy);
  }
}
