package io.gadgetflow.node.gadget.profile.blockio;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.bpf.BpfMap;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.RunningGadget;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * biolatency: src/main/bpf/profile/block-io/program.bpf.c. Its histogram starts empty with each
 * start (each start loads the program afresh) and is read once, when the trace stops.
 */
public final class BlockIoGadget {
  private static final String SLOTS_MAP = "latency_slots";

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.BIOLATENCY,
              "bpf/profile/block-io/program.bpf.o",
              NoEventsDecoder::new,
              Set.of())
          .withResult(gadget -> new String(Json.encode(histogram(gadget)), StandardCharsets.UTF_8));

  private BlockIoGadget() {}

  public static LatencyHistogram histogram(RunningGadget gadget) {
    BpfMap map = gadget.map(SLOTS_MAP);
    long[] slots = new long[map.maxEntries()];
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(JAVA_INT);
      MemorySegment value = arena.allocate(JAVA_LONG);
      for (int slot = 0; slot < slots.length; slot++) {
        key.set(JAVA_INT, 0, slot);
        if (map.lookup(key, value)) {
          slots[slot] = value.get(JAVA_LONG, 0);
        }
      }
    }
    return LatencyHistogram.ofLog2Slots(slots);
  }
}
