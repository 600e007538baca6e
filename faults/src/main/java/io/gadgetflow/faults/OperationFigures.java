package io.gadgetflow.faults;

/**
 * What a fault did to the operations asked of Traces around it (annotated with kubectl, or
 * published on the control topic by a fault that runs no controller): how many were asked, lost
 * (never handed to the node, never answered, or answered and its result, a report or a profile,
 * never stored), run twice (handed over or answered again), and answered again by design by a node
 * agent started again (each Trace's last operation, once; docs/reliability.md).
 */
public record OperationFigures(int annotated, int lost, int runTwice, int answeredAgainByRestart) {

  /** Where no operation was counted. */
  public static final OperationFigures NOT_COUNTED = new OperationFigures(0, 0, 0);

  /** Where no agent restarted. */
  public OperationFigures(int annotated, int lost, int runTwice) {
    this(annotated, lost, runTwice, 0);
  }

  /** These, and {@code results} operations answered whose result was not stored. */
  public OperationFigures withResultsLost(int results) {
    return new OperationFigures(annotated, lost + results, runTwice, answeredAgainByRestart);
  }

  /**
   * As the table shows it: {@code 0 / 0 of 12}, {@code 0 / 0 of 9 (3 answered again after the
   * agent's restart, by design)}, or {@code not counted}.
   */
  public String cell() {
    if (annotated == 0) {
      return "not counted";
    }
    String cell = "%d / %d of %d".formatted(lost, runTwice, annotated);
    return answeredAgainByRestart == 0
        ? cell
        : cell
            + " (%d answered again after the agent's restart, by design)"
                .formatted(answeredAgainByRestart);
  }
}
