package io.gadgetflow.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.faults.FaultFigures;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultsTableTest {
  private static final String EMPTY =
      "# Reliability\n\n" + FaultsTable.BEGIN + "\n" + FaultsTable.END + "\n\nWhat they say.\n";

  @Test
  void keepsTheNoteOfAnEarlierRunWhileOneOfItsRowsIsInTheTable() {
    String text = run(EMPTY, "broker-restart", "disk-full");
    text = run(text, "broker-restart");

    assertThat(notes(text))
        .hasSize(2)
        .anyMatch(note -> note.contains("run.sh broker-restart disk-full`"))
        .anyMatch(note -> note.contains("run.sh broker-restart`"));
    assertThat(rows(text))
        .containsExactly(
            "disk-full", "disk-full, File output", "broker-restart", "broker-restart, File output");
  }

  @Test
  void dropsTheNoteOfAnEarlierRunOnceAllItsRowsAreMeasuredAgain() {
    String text = run(EMPTY, "broker-restart");
    text = run(text, "broker-restart", "disk-full");

    assertThat(notes(text)).singleElement().asString().contains("run.sh broker-restart disk-full`");
  }

  @Test
  void dropsTheNoteOfARunWhoseRowsLaterRunsMeasuredAgainOneByOne() {
    String text = run(EMPTY, "broker-restart", "disk-full");
    text = run(text, "broker-restart");
    text = run(text, "disk-full");

    assertThat(notes(text))
        .hasSize(2)
        .noneMatch(note -> note.contains("run.sh broker-restart disk-full`"));
  }

  @Test
  void aRowOfTheSameFaultAtOtherSettingsIsAnotherRow() {
    String text = run(EMPTY, "controller-restart (operation timeout 10 s)");
    text = run(text, "controller-restart");

    assertThat(notes(text)).hasSize(2);
    assertThat(rows(text))
        .containsExactly(
            "controller-restart (operation timeout 10 s)",
            "controller-restart (operation timeout 10 s), File output",
            "controller-restart",
            "controller-restart, File output");
  }

  @Test
  void keepsANoteWrittenByHandAndTheTextAroundTheTable() {
    String byHand = EMPTY.replace(FaultsTable.END, "A note written by hand.\n" + FaultsTable.END);

    String text = run(byHand, "broker-restart");

    assertThat(notes(text)).first().isEqualTo("A note written by hand.");
    assertThat(text)
        .startsWith("# Reliability\n\n")
        .endsWith(FaultsTable.END + "\n\nWhat they say.\n");
  }

  /** The text after a run of {@code faults}, each measured in a Stream and a File row. */
  private static String run(String text, String... faults) {
    List<FaultFigures> figures =
        Arrays.stream(faults)
            .flatMap(fault -> List.of(fault, fault + ", File output").stream())
            .map(row -> new FaultFigures(row, 1, 100, 100, 0, 0, 0, "n/a"))
            .toList();
    String command = String.join(" ", faults).replace(" (operation timeout 10 s)", "");
    return FaultsTable.withRun(
        text, figures, "2026-12-07, `bench/faults/run.sh %s`: the pace.".formatted(command));
  }

  private static List<String> tableLines(String text) {
    int begin = text.indexOf(FaultsTable.BEGIN) + FaultsTable.BEGIN.length();
    return text.substring(begin, text.indexOf(FaultsTable.END)).lines().toList();
  }

  /** The faults of the table's rows, in order. */
  private static List<String> rows(String text) {
    return tableLines(text).stream()
        .filter(
            line ->
                line.startsWith("| ") && !line.startsWith("| fault ") && !line.startsWith("| --- "))
        .map(line -> line.substring(2, line.indexOf(" |", 2)))
        .toList();
  }

  private static List<String> notes(String text) {
    return tableLines(text).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("|"))
        .toList();
  }
}
