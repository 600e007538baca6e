package io.gadgetflow.node.gadget.profile.blockio;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.LatencyHistogram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.ProgramLayouts;
import io.gadgetflow.node.gadget.ProgramLayouts.MapLayout;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.StatusOutput;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * biolatency: src/main/bpf/profile/block-io/program.bpf.c. Its histogram starts empty with each
 * start (each start loads the program afresh) and is read once, when the trace stops.
 */
public final class BlockIoGadget {
  /** Slot n of the histogram, and how many latencies it counted. */
  private static final MapLayout LATENCY_SLOTS =
      new MapLayout("latency_slots", LatencyHistogram.SLOT, LatencyHistogram.COUNT);

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.BIOLATENCY,
              "bpf/profile/block-io/program.bpf.o",
              ProgramLayouts.ofMaps(LATENCY_SLOTS),
              NoEventsDecoder::new,
              Set.of())
          .withResult(
              (gadget, names) ->
                  StatusOutput.Result.of(
                      new String(Json.encode(histogram(gadget)), StandardCharsets.UTF_8)));

  private BlockIoGadget() {}

  public static LatencyHistogram histogram(RunningGadget gadget) {
    return LatencyHistogram.read(gadget, LATENCY_SLOTS, LatencyHistogram.MICROSECONDS);
  }
}
