package io.gadgetflow.node.gadget;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.gadget.TopParameters;
import io.gadgetflow.node.bpf.BpfMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads a top gadget's table once per interval, as Inspektor Gadget's top tracers do: takes every
 * row out of the program's map (what the program adds meanwhile counts for the next interval),
 * sorts the rows by {@code sort_by}, keeps the first {@code max_rows} and writes them as one event:
 * {@code {"timestamp":..,"type":"normal","mountnsid":0,"interval":1,"stats":[{..row..},..]}}, left
 * open for the node's names. Not thread-safe: one thread reads a gadget's table.
 */
public final class TopTableReader {
  private static final JsonName TIMESTAMP = JsonName.of(CommonEventFields.TIMESTAMP);
  private static final JsonName TYPE = JsonName.of(CommonEventFields.TYPE);
  private static final JsonName MESSAGE = JsonName.of(CommonEventFields.MESSAGE);
  private static final JsonName MOUNT_NS_ID = JsonName.of(CommonEventFields.MOUNT_NS_ID);
  private static final JsonName INTERVAL = JsonName.of(TopParameters.INTERVAL);
  private static final JsonName STATS = JsonName.of("stats");
  private static final String NORMAL = "normal";

  private final TopTable table;
  private final long intervalSeconds;
  private final long maxRows;
  private final Comparator<TopRow> order;

  /**
   * @throws IllegalArgumentException for a parameter the controller should have refused
   */
  public TopTableReader(TopTable table, GadgetDescriptor gadget, GadgetParameters parameters) {
    this.table = table;
    this.intervalSeconds = parameters.unsigned(TopParameters.INTERVAL);
    this.maxRows = parameters.unsigned(TopParameters.MAX_ROWS);
    this.order =
        TopParameters.sortOrder(gadget, parameters.text(TopParameters.SORT_BY))
            .comparator(TopRow::column);
  }

  public long intervalNanos() {
    return TimeUnit.SECONDS.toNanos(intervalSeconds);
  }

  /**
   * Takes every row the program gathered since the previous call out of its map: the keys first,
   * then each entry with its removal in one call, so that nothing the program adds is lost.
   */
  public List<TopRow> takeRows(RunningGadget gadget) {
    BpfMap map = gadget.map(table.map().name());
    List<TopRow> rows = new ArrayList<>();
    try (Arena arena = Arena.ofConfined()) {
      List<MemorySegment> keys = new ArrayList<>();
      MemorySegment previous = MemorySegment.NULL;
      // Bounded: keys the program adds meanwhile could otherwise keep the walk going.
      for (int i = 0; i < map.maxEntries(); i++) {
        MemorySegment next = arena.allocate(table.map().key());
        if (!map.nextKey(previous, next)) {
          break;
        }
        keys.add(next);
        previous = next;
      }
      MemorySegment value = arena.allocate(table.map().value());
      for (MemorySegment key : keys) {
        if (map.lookupAndDelete(key, value)) {
          rows.add(table.rows().decode(key, value));
        }
      }
    }
    return rows;
  }

  /** The rows one report shows: in sort order, the first {@code max_rows}. */
  public List<TopRow> top(List<TopRow> rows) {
    return rows.stream().sorted(order).limit(maxRows).toList();
  }

  /**
   * Begins the event of one interval in {@code out} and leaves it open, as decoders do, for the
   * node's names; each row gets its container's names from {@code names}.
   */
  public void beginReport(
      List<TopRow> rows, long epochNanos, JsonEventWriter out, ContainerNames names) {
    out.beginObject();
    out.epochNanosField(TIMESTAMP, epochNanos);
    out.field(TYPE, NORMAL);
    out.field(MOUNT_NS_ID, 0);
    out.field(INTERVAL, intervalSeconds);
    out.beginArrayField(STATS);
    for (TopRow row : rows) {
      out.beginObjectElement();
      row.writeFields(out);
      out.field(MOUNT_NS_ID, row.mountNsId());
      names.write(row.mountNsId(), out);
      out.endObject();
    }
    out.endArray();
  }

  /**
   * Begins the event that says an interval's table could not be read, as Inspektor Gadget's top
   * gadgets say their errors, and leaves it open for the node's names: {@code
   * {"timestamp":..,"type":"err","message":"Failed to read the table: .."}}.
   */
  public static void beginFailure(long epochNanos, String why, JsonEventWriter out) {
    out.beginObject();
    out.epochNanosField(TIMESTAMP, epochNanos);
    out.field(TYPE, "err");
    out.field(MESSAGE, "Failed to read the table: " + why);
  }
}
