package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.gadget.EventField;
import io.gadgetflow.api.gadget.GadgetCatalog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventPrinterTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  EventPrinter printer(String format) {
    return EventPrinter.of(
        OutputFormat.parse(format, GadgetCatalog.EXECSNOOP),
        new PrintWriter(out, true),
        new PrintWriter(err, true));
  }

  EventPrinter topPrinter(String format, Map<String, String> parameters, boolean terminal) {
    return EventPrinter.of(
        OutputFormat.parse(format, GadgetCatalog.FILETOP),
        GadgetCatalog.FILETOP,
        parameters,
        terminal,
        new PrintWriter(out, true),
        new PrintWriter(err, true));
  }

  static String report(String node, String... rows) {
    return "{\"timestamp\":1,\"type\":\"normal\",\"mountnsid\":0,\"interval\":1,\"stats\":["
        + String.join(",", rows)
        + "],\"node\":\""
        + node
        + "\",\"namespace\":\"\",\"pod\":\"\",\"container\":\"\"}";
  }

  static String fileRow(String node, String file, int writes) {
    return "{\"pid\":1,\"comm\":\"dd\",\"writes\":%d,\"filename\":\"%s\",\"node\":\"%s\"}"
        .formatted(writes, file, node);
  }

  @Test
  void withoutATerminalEachTopReportIsATableOfItsOwn() {
    EventPrinter top = topPrinter("custom-columns=node,writes,filename", Map.of(), false);

    top.header();
    top.event(report("n1", fileRow("n1", "a", 2), fileRow("n1", "b", 1)));
    top.event(report("n2"));

    assertThat(out.toString().lines())
        .containsExactly(
            "",
            "NODE             WRITES FILENAME",
            "n1               2      a",
            "n1               1      b",
            "",
            "NODE             WRITES FILENAME");
  }

  @Test
  void onATerminalTheTableIsRedrawnWithEveryNodesLatestRowsInSortOrder() {
    EventPrinter top =
        topPrinter(
            "custom-columns=node,writes,filename",
            Map.of("sort_by", "-writes", "max_rows", "3"),
            true);

    top.header();
    top.event(report("n1", fileRow("n1", "a", 2), fileRow("n1", "b", 9)));
    top.event(report("n2", fileRow("n2", "c", 5), fileRow("n2", "d", 1)));
    top.event(report("n1", fileRow("n1", "e", 3)));

    String clear = TopTablePrinter.CLEAR_SCREEN;
    String header = "NODE             WRITES FILENAME\n";
    assertThat(out.toString())
        .isEqualTo(
            clear
                + header
                + clear
                + header
                + "n1               9      b\n"
                + "n1               2      a\n"
                + clear
                + header
                + "n1               9      b\n"
                + "n2               5      c\n"
                + "n1               2      a\n"
                + clear
                + header
                + "n2               5      c\n"
                + "n1               3      e\n"
                + "n2               1      d\n");
  }

  @Test
  void aTopReportInJsonIsItsRecordOnOneLine() {
    EventPrinter top = topPrinter("json", Map.of(), true);
    String report = report("n1", fileRow("n1", "a", 2));

    top.header();
    top.event(report);

    assertThat(out.toString()).isEqualTo(report + "\n");
  }

  @Test
  void columnsLineUpUnderTheHeaderAndArgumentsAreJoined() {
    EventPrinter columns = printer("custom-columns=node,pid,comm,args");

    columns.header();
    columns.event(
        """
        {"timestamp":1,"type":"normal","pid":42,"comm":"true","args":["/bin/true","-x"],"node":"n1"}""");

    assertThat(out.toString().lines())
        .containsExactly(
            "NODE             PID     COMM             ARGS",
            "n1               42      true             /bin/true -x");
  }

  @Test
  void aLongValueIsPrintedWholeAndAMissingOneIsEmpty() {
    EventPrinter columns = printer("custom-columns=comm,pod,pid");

    columns.event("{\"comm\":\"a-command-name-longer-than-16\",\"pid\":7}");

    assertThat(out.toString().lines())
        .containsExactly("a-command-name-longer-than-16                  7");
  }

  @Test
  void timestampsAreShownAsInstants() {
    EventPrinter columns = printer("custom-columns=timestamp");

    columns.event("{\"timestamp\":1795601076143759629}");

    assertThat(out.toString().strip()).isEqualTo("2026-11-25T10:04:36.143759629Z");
  }

  @Test
  void aWarningGoesToStderrInColumnsAndStaysInTheStreamInJson() {
    String lost = "{\"type\":\"warn\",\"message\":\"lost 12 samples\",\"node\":\"n1\"}";

    printer("columns").event(lost);
    printer("json").event(lost);

    assertThat(err.toString()).isEqualTo("kubectl-gadget: warn from node n1: lost 12 samples\n");
    assertThat(out.toString()).isEqualTo(lost + "\n");
  }

  @Test
  void jsonResultsEmbedJsonOutputAndQuoteAnyOther() {
    EventPrinter json = printer("json");

    json.result("n1", "{\"valType\":\"usecs\",\"data\":[]}");
    json.result("n2", "not json");

    assertThat(out.toString().lines())
        .containsExactly(
            "{\"node\":\"n1\",\"output\":{\"valType\":\"usecs\",\"data\":[]}}",
            "{\"node\":\"n2\",\"output\":\"not json\"}");
  }

  @Test
  void aHistogramIsDrawnUnderItsNodeInColumns() {
    printer("columns")
        .result(
            "n1",
            """
            {"valType":"usecs","data":[{"count":2,"intervalStart":0,"intervalEnd":1},\
            {"count":8,"intervalStart":2,"intervalEnd":3},{"count":0,"intervalStart":4,"intervalEnd":7}]}""");

    assertThat(out.toString().lines())
        .containsExactly(
            "NODE n1",
            "     usecs             : count    distribution",
            "        0 -> 1         : 2        |**********                              |",
            "        2 -> 3         : 8        |****************************************|",
            "        4 -> 7         : 0        |                                        |");
  }

  @Test
  void aSnapshotsRecordsAreRowsOfOneTableWithTheirNode() {
    EventPrinter columns = printer("custom-columns=node,pid,comm");

    columns.result("n1", "[{\"pid\":1,\"comm\":\"init\"},{\"pid\":2,\"comm\":\"kthreadd\"}]");
    columns.result("n2", "[{\"pid\":1,\"comm\":\"systemd\",\"node\":\"n2\"}]");

    assertThat(out.toString().lines())
        .containsExactly(
            "NODE             PID     COMM",
            "n1               1       init",
            "n1               2       kthreadd",
            "n2               1       systemd");
  }

  @Test
  void aProfilesStacksArePrintedUnderTheirRowOutermostFirstKernelThenUser() {
    EventPrinter columns =
        EventPrinter.of(
            OutputFormat.parse("columns", GadgetCatalog.PROFILE),
            new PrintWriter(out, true),
            new PrintWriter(err, true));

    columns.result(
        "n1",
        "[{\"node\":\"n1\",\"namespace\":\"\",\"pod\":\"\",\"container\":\"\","
            + "\"comm\":\"sh\",\"pid\":7,\"mountnsid\":1,\"userStack\":[\"main\"],\"count\":1},"
            + "{\"node\":\"n1\",\"namespace\":\"shop\",\"pod\":\"db-0\",\"container\":\"pg\","
            + "\"comm\":\"postgres\",\"pid\":42,\"mountnsid\":2,"
            + "\"userStack\":[\"read\",\"main\"],\"kernelStack\":[\"read_zero\",\"vfs_read\"],"
            + "\"count\":30}]");

    assertThat(out.toString().lines())
        .containsExactly(
            "NODE             NAMESPACE        POD              CONTAINER        PID     COMM"
                + "             COUNT",
            "n1                                                                  7       sh"
                + "               1",
            "\tmain",
            "n1               shop             db-0             pg               42      postgres"
                + "         30",
            "\tvfs_read",
            "\tread_zero",
            "\tmain",
            "\tread");
    assertThat(
            OutputFormat.parse("custom-columns=pid,kernelstack", GadgetCatalog.PROFILE).columns())
        .extracting(EventField::name)
        .containsExactly("pid", "kernelStack");
  }

  @Test
  void anOutputThatIsNeitherIsPrintedAsItIs() {
    printer("columns").result("n1", "{\"syscalls\":[\"read\"]}");

    assertThat(out.toString().lines()).containsExactly("NODE n1", "{\"syscalls\":[\"read\"]}");
  }
}
