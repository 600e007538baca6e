package io.gadgetflow.node.gadget.profile.blockio;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.bpf.BpfMap;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.ProgramLayouts;
import io.gadgetflow.node.gadget.ProgramLayouts.MapLayout;
import io.gadgetflow.node.gadget.RunningGadget;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * biolatency: src/main/bpf/profile/block-io/program.bpf.c. Its histogram starts empty with each
 * start (each start loads the program afresh) and is read once, when the trace stops.
 */
public final class BlockIoGadget {
  private static final ValueLayout.OfInt SLOT = JAVA_INT;
  private static final ValueLayout.OfLong COUNT = JAVA_LONG;

  /** Slot n of the histogram, and how many latencies it counted. */
  private static final MapLayout LATENCY_SLOTS = new MapLayout("latency_slots", SLOT, COUNT);

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.BIOLATENCY,
              "bpf/profile/block-io/program.bpf.o",
              ProgramLayouts.ofMaps(LATENCY_SLOTS),
              NoEventsDecoder::new,
              Set.of())
          .withResult(gadget -> new String(Json.encode(histogram(gadget)), StandardCharsets.UTF_8));

  private BlockIoGadget() {}

  public static LatencyHistogram histogram(RunningGadget gadget) {
    BpfMap map = gadget.map(LATENCY_SLOTS.name());
    long[] slots = new long[map.maxEntries()];
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(SLOT);
      MemorySegment value = arena.allocate(COUNT);
      for (int slot = 0; slot < slots.length; slot++) {
        key.set(SLOT, 0, slot);
        if (map.lookup(key, value)) {
          slots[slot] = value.get(COUNT, 0);
        }
      }
    }
    return LatencyHistogram.ofLog2Slots(slots);
  }
}
