package io.gadgetflow.faults;

/**
 * What a fault did to the operations annotated on Traces around it: how many were annotated, lost
 * (never handed to the node, never answered, or answered and its result, a report or a profile,
 * never stored) and run twice (handed over or answered again).
 */
public record OperationFigures(int annotated, int lost, int runTwice) {

  /** Where no operation was counted. */
  public static final OperationFigures NOT_COUNTED = new OperationFigures(0, 0, 0);

  /** These, and {@code results} operations answered whose result was not stored. */
  public OperationFigures withResultsLost(int results) {
    return new OperationFigures(annotated, lost + results, runTwice);
  }

  /** As the table shows it: {@code 0 / 0 of 12}, or {@code not counted}. */
  public String cell() {
    return annotated == 0 ? "not counted" : "%d / %d of %d".formatted(lost, runTwice, annotated);
  }
}
