package io.gadgetflow.node.gadget;

import java.util.List;

/**
 * A top gadget's report of some rows, whole, as the node agent sends it: each row of a container
 * {@code shop/db-0/postgres} on {@code node-1}; for checks of a gadget's rows against its schema.
 */
public final class TopReports {
  private static final long EPOCH_NANOS = 1_795_601_076_000_000_000L;

  private TopReports() {}

  public static String of(GadgetProgram program, List<TopRow> rows) {
    JsonEventWriter out = new JsonEventWriter();
    new TopTableReader(
            program.table().orElseThrow(),
            program.descriptor(),
            GadgetParameters.defaults(program.descriptor()))
        .beginReport(
            rows, EPOCH_NANOS, out, (mountNsId, row) -> names(row, "shop", "db-0", "postgres"));
    names(out, "", "", "");
    out.endObject();
    return out.toString();
  }

  private static void names(JsonEventWriter out, String namespace, String pod, String container) {
    out.field(JsonName.of("node"), "node-1");
    out.field(JsonName.of("namespace"), namespace);
    out.field(JsonName.of("pod"), pod);
    out.field(JsonName.of("container"), container);
  }
}
