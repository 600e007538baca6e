package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gadgetflow.api.gadget.EventField;
import io.gadgetflow.api.gadget.GadgetCatalog;
import org.junit.jupiter.api.Test;

class OutputFormatTest {
  @Test
  void columnsAreWhereTheEventHappenedThenTheGadgetsFields() {
    OutputFormat format = OutputFormat.parse("columns", GadgetCatalog.EXECSNOOP);

    assertThat(format.json()).isFalse();
    assertThat(format.columns())
        .extracting(EventField::name)
        .containsExactly(
            "node", "namespace", "pod", "container", "pid", "ppid", "uid", "comm", "ret", "args");
  }

  @Test
  void aGadgetThatSeesTheWholeNodeHasNoContainerColumns() {
    assertThat(OutputFormat.parse("columns", TestGadgets.BIOLATENCY).columns())
        .extracting(EventField::name)
        .containsExactly("node");
  }

  @Test
  void customColumnsAreTheNamedFieldsInTheirOrderInAnyCase() {
    assertThat(OutputFormat.parse("custom-columns=PID,comm,Timestamp", GadgetCatalog.EXECSNOOP))
        .extracting(OutputFormat::columns)
        .satisfies(
            columns ->
                assertThat(columns)
                    .extracting(EventField::name)
                    .containsExactly("pid", "comm", "timestamp"));
  }

  @Test
  void customColumnsFindCamelCaseFieldsInAnyCase() {
    assertThat(
            OutputFormat.parse("custom-columns=pkttype,NUMANSWERS,name", GadgetCatalog.DNS)
                .columns())
        .extracting(EventField::name)
        .containsExactly("pktType", "numAnswers", "name");
  }

  @Test
  void jsonHasNoColumns() {
    assertThat(OutputFormat.parse("json", GadgetCatalog.OPENSNOOP))
        .isEqualTo(new OutputFormat(true, java.util.List.of()));
  }

  @Test
  void anUnknownColumnIsNamedWithTheColumnsThereAre() {
    assertThatThrownBy(
            () -> OutputFormat.parse("custom-columns=pid,bogus", GadgetCatalog.EXECSNOOP))
        .hasMessageStartingWith("execsnoop has no column \"bogus\"; it has node,namespace,");
  }

  @Test
  void anUnknownFormatIsRefused() {
    assertThatThrownBy(() -> OutputFormat.parse("yaml", GadgetCatalog.EXECSNOOP))
        .hasMessage(
            "\"yaml\" is not an output format: use columns, json or custom-columns=<field>,...");
  }
}
