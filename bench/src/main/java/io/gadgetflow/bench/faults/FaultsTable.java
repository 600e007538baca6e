package io.gadgetflow.bench.faults;

import io.gadgetflow.faults.FaultFigures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fault table of docs/reliability.md, between its markers, and the notes of the runs whose rows
 * it shows. Each note ends with the rows of its run still in the table, in a comment that Markdown
 * does not show ({@code <!-- faults-rows: broker-restart | broker-restart, File output -->}): a
 * later run that measures one of them again takes it over, and a note is dropped once it has none
 * left. A note without that comment, written by hand, stays until removed by hand.
 */
final class FaultsTable {
  static final String BEGIN = "<!-- faults-table:begin -->";
  static final String END = "<!-- faults-table:end -->";

  /** A row's name holds no {@code |}: it is a cell of the table. */
  private static final Pattern ROWS_OF_NOTE = Pattern.compile(" ?<!-- faults-rows: (.*) -->$");

  private FaultsTable() {}

  /**
   * {@code text} with this run's rows and note put between the markers: a fault measured now
   * replaces its row, the others stay; the note of this run joins those of earlier runs that still
   * have a row in the table.
   */
  static String withRun(String text, List<FaultFigures> figures, String note) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("the text lacks the markers " + BEGIN + " and " + END);
    }
    List<String> measured = figures.stream().map(FaultFigures::fault).toList();
    List<String> rows = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (String line : text.substring(begin + BEGIN.length(), end).lines().toList()) {
      if (line.startsWith("| ") && !line.startsWith("| fault ") && !line.startsWith("| --- ")) {
        if (!measured.contains(fault(line))) {
          rows.add(line);
        }
      } else if (!line.isBlank() && !line.startsWith("|")) {
        withoutRows(line, measured).ifPresent(notes::add);
      }
    }
    figures.forEach(f -> rows.add(f.row()));
    notes.add(note + withRowsComment(measured));
    String table =
        FaultFigures.header()
            + "\n"
            + String.join("\n", rows)
            + "\n\n"
            + String.join("\n\n", notes);
    return text.substring(0, begin + BEGIN.length()) + "\n" + table + "\n" + text.substring(end);
  }

  /** The fault a row of the table is of, its first cell. */
  private static String fault(String row) {
    return row.substring(2, row.indexOf(" |", 2));
  }

  /**
   * An earlier run's note without the rows measured again, or nothing once it has no row left; a
   * note that does not say its rows as it is.
   */
  private static Optional<String> withoutRows(String note, List<String> measured) {
    Matcher rowsOfNote = ROWS_OF_NOTE.matcher(note);
    if (!rowsOfNote.find()) {
      return Optional.of(note);
    }
    List<String> left =
        Arrays.stream(rowsOfNote.group(1).split(" \\| "))
            .filter(row -> !measured.contains(row))
            .toList();
    return left.isEmpty()
        ? Optional.empty()
        : Optional.of(note.substring(0, rowsOfNote.start()) + withRowsComment(left));
  }

  private static String withRowsComment(List<String> rows) {
    return " <!-- faults-rows: " + String.join(" | ", rows) + " -->";
  }
}
