package io.gadgetflow.node.gadget;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.gadget.ProgramLayouts.MapLayout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopTableReaderTest {
  /** A row of a table with two columns. */
  private record Row(String name, long count) implements TopRow {
    @Override
    public long mountNsId() {
      return 4026531840L + count;
    }

    @Override
    public Comparable<?> column(String column) {
      return switch (column) {
        case "filename" -> name;
        case "reads" -> count;
        default -> null;
      };
    }

    @Override
    public void writeFields(JsonEventWriter out) {
      out.field(JsonName.of("filename"), name);
      out.field(JsonName.of("reads"), count);
    }
  }

  private static final TopTable TABLE =
      new TopTable(new MapLayout("stats", JAVA_LONG, JAVA_LONG), (k, v) -> null);

  @Test
  void aReportKeepsTheFirstMaxRowsInSortOrder() {
    TopTableReader reader = reader(Map.of("sort_by", "-reads,filename", "max_rows", "3"));

    List<TopRow> report =
        reader.top(List.of(new Row("a", 1), new Row("b", 7), new Row("c", 7), new Row("d", 9)));

    assertThat(report).containsExactly(new Row("d", 9), new Row("b", 7), new Row("c", 7));
  }

  @Test
  void withoutParametersTheGadgetsDefaultsApply() {
    TopTableReader reader = reader(Map.of());

    assertThat(reader.intervalNanos()).isEqualTo(1_000_000_000L);
    assertThat(reader.top(List.of(new Row("a", 1), new Row("b", 2))))
        .containsExactly(new Row("b", 2), new Row("a", 1));
  }

  @Test
  void theReportIsOneEventWithEveryRowNamedAfterItsContainer() {
    TopTableReader reader = reader(Map.of("interval", "5"));
    JsonEventWriter out = new JsonEventWriter();

    reader.beginReport(
        List.of(new Row("x", 2), new Row("y", 1)),
        1_795_601_076_000_000_001L,
        out,
        (mountNsId, names) -> names.field(JsonName.of("pod"), "pod-" + (mountNsId - 4026531840L)));
    out.endObject();

    assertThat(out.toString())
        .isEqualTo(
            "{\"timestamp\":1795601076000000001,\"type\":\"normal\",\"mountnsid\":0,\"interval\":5,"
                + "\"stats\":[{\"filename\":\"x\",\"reads\":2,\"mountnsid\":4026531842,\"pod\":\"pod-2\"},"
                + "{\"filename\":\"y\",\"reads\":1,\"mountnsid\":4026531841,\"pod\":\"pod-1\"}]}");
  }

  @Test
  void anEmptyIntervalIsAnEmptyTable() {
    JsonEventWriter out = new JsonEventWriter();

    reader(Map.of()).beginReport(List.of(), 7, out, (id, names) -> {});
    out.endObject();

    assertThat(out.toString())
        .isEqualTo(
            "{\"timestamp\":7,\"type\":\"normal\",\"mountnsid\":0,\"interval\":1,\"stats\":[]}");
  }

  @Test
  void aSortOrderTheControllerWouldRefuseFailsTheStart() {
    assertThatThrownBy(() -> reader(Map.of("sort_by", "-size")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column \"size\"");
  }

  private static TopTableReader reader(Map<String, String> parameters) {
    return new TopTableReader(
        TABLE, GadgetCatalog.FILETOP, new GadgetParameters(GadgetCatalog.FILETOP, parameters));
  }
}
