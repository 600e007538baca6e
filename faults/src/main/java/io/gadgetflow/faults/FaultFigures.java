package io.gadgetflow.faults;

/**
 * What one fault did to the stream of numbered events: produced (made after the trace's first
 * delivered event), delivered (distinct), reported lost (the agent's counters), delivered more than
 * once, and the time from the fault's end until an event made after it arrived.
 *
 * @param recovery how long the stream took to come back, as the table shows it
 */
public record FaultFigures(
    String fault,
    int brokers,
    long produced,
    long delivered,
    long reportedLost,
    long duplicated,
    String recovery) {

  /** Produced events that neither arrived nor were reported lost. */
  public long silentlyLost() {
    return Math.max(0, produced - delivered - reportedLost);
  }

  /** The Markdown table's header, its two lines. */
  public static String header() {
    return "| fault | brokers | produced | delivered | reported lost | duplicated"
        + " | lost without a word | recovery |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
  }

  /** This fault's row of the Markdown table. */
  public String row() {
    return "| %s | %d | %d | %d | %d | %d | %d | %s |"
        .formatted(
            fault,
            brokers,
            produced,
            delivered,
            reportedLost,
            duplicated,
            silentlyLost(),
            recovery);
  }
}
