package io.gadgetflow.faults;

/**
 * What one fault did to the stream of numbered events: produced (made after the trace's first
 * delivered event), delivered (distinct), reported lost (the agent's counters) and told lost (the
 * warning events that reached the trace's reader), delivered more than once, and the time from the
 * fault's end until an event made after it arrived.
 *
 * @param recovery how long the stream took to come back, as the table shows it
 * @param operations what became of the operations annotated on Traces around the fault
 */
public record FaultFigures(
    String fault,
    int brokers,
    long produced,
    long delivered,
    long reportedLost,
    long toldLost,
    long duplicated,
    String recovery,
    OperationFigures operations) {

  /** A fault whose operations were not counted. */
  public FaultFigures(
      String fault,
      int brokers,
      long produced,
      long delivered,
      long reportedLost,
      long toldLost,
      long duplicated,
      String recovery) {
    this(
        fault,
        brokers,
        produced,
        delivered,
        reportedLost,
        toldLost,
        duplicated,
        recovery,
        OperationFigures.NOT_COUNTED);
  }

  public FaultFigures withOperations(OperationFigures counted) {
    return new FaultFigures(
        fault, brokers, produced, delivered, reportedLost, toldLost, duplicated, recovery, counted);
  }

  /** Produced events that neither arrived nor were reported lost. */
  public long silentlyLost() {
    return Math.max(0, produced - delivered - reportedLost);
  }

  /** The Markdown table's header, its two lines. */
  public static String header() {
    return "| fault | brokers | produced | delivered | reported lost (counters / warnings) | duplicated"
        + " | lost without a word | operations lost / run twice | recovery |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
  }

  /** This fault's row of the Markdown table. */
  public String row() {
    return "| %s | %d | %d | %d | %d / %d | %d | %d | %s | %s |"
        .formatted(
            fault,
            brokers,
            produced,
            delivered,
            reportedLost,
            toldLost,
            duplicated,
            silentlyLost(),
            operations.cell(),
            recovery);
  }
}
