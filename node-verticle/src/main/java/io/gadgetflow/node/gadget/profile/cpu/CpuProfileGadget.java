package io.gadgetflow.node.gadget.profile.cpu;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.node.bpf.BpfMap;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.bpf.BpfProgram;
import io.gadgetflow.node.bpf.PerfEvents;
import io.gadgetflow.node.gadget.ContainerNames;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.ProgramLayouts;
import io.gadgetflow.node.gadget.ProgramLayouts.MapLayout;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.StatusOutput;
import io.gadgetflow.node.symbols.Symbolizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * profile (profile cpu): src/main/bpf/profile/cpu/program.bpf.c, attached to the CPU clock of each
 * CPU online at the start, sampling {@code frequency} times a second. At stop, the samples counted
 * per process and pair of stacks are read, and the stacks' frames named while the processes still
 * run.
 */
public final class CpuProfileGadget {
  private static final String SAMPLE_PROGRAM = "profile_sample";
  private static final MapLayout COUNTS =
      new MapLayout("counts", StackCount.PROFILE_KEY, JAVA_LONG);
  private static final MapLayout STACKS =
      new MapLayout("stacks", JAVA_LONG, StackCount.PROFILE_STACK);

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.PROFILE,
              "bpf/profile/cpu/program.bpf.o",
              new ProgramLayouts(List.of(StackCount.PROFILE_KEY), List.of(COUNTS, STACKS)),
              NoEventsDecoder::new,
              Set.of())
          .withSetup(CpuProfileGadget::setUp)
          .withAttach(CpuProfileGadget::attach)
          .withResult(CpuProfileGadget::report);

  private CpuProfileGadget() {}

  private static void setUp(BpfObject object, GadgetParameters parameters) {
    boolean userOnly = parameters.bool("user");
    boolean kernelOnly = parameters.bool("kernel");
    if (userOnly && kernelOnly) {
      throw new IllegalArgumentException(
          "parameters \"user\" and \"kernel\" exclude each other: with both, no stack is left");
    }
    object.setConstant("user_stacks_only", userOnly);
    object.setConstant("kernel_stacks_only", kernelOnly);
  }

  private static void attach(BpfObject object, GadgetParameters parameters) {
    BpfProgram sample = object.program(SAMPLE_PROGRAM);
    long frequency = parameters.unsigned("frequency");
    for (int cpu : PerfEvents.onlineCpus()) {
      sample.attachToCpuClock(cpu, frequency);
    }
  }

  private static StatusOutput.Result report(RunningGadget gadget, ContainerNames names) {
    Symbolizer symbolizer;
    try {
      symbolizer = Symbolizer.ofThisNode();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the kernel's symbols", e);
    }
    Map<Long, long[]> stacks = new HashMap<>();
    BpfMap stackMap = gadget.map(STACKS.name());
    return new CpuProfile(
            id -> stacks.computeIfAbsent(id, key -> stack(stackMap, key)),
            FrameNames.of(symbolizer),
            names)
        .report(stackCounts(gadget));
  }

  /** What the program counted so far. */
  static List<StackCount> stackCounts(RunningGadget gadget) {
    BpfMap map = gadget.map(COUNTS.name());
    List<StackCount> counts = new ArrayList<>();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(COUNTS.value());
      MemorySegment previous = MemorySegment.NULL;
      // Bounded: keys the program adds meanwhile could otherwise keep the walk going.
      for (int i = 0; i < map.maxEntries(); i++) {
        MemorySegment key = arena.allocate(COUNTS.key());
        if (!map.nextKey(previous, key)) {
          break;
        }
        if (map.lookup(key, value)) {
          counts.add(StackCount.decode(key, value.get(JAVA_LONG, 0)));
        }
        previous = key;
      }
    }
    return counts;
  }

  /** The stack's instruction pointers, innermost first, 0 after the last. */
  private static long[] stack(BpfMap stacks, long id) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(STACKS.key());
      key.set(JAVA_LONG, 0, id);
      MemorySegment frames = arena.allocate(STACKS.value());
      if (!stacks.lookup(key, frames)) {
        throw new IllegalStateException("stack " + Long.toHexString(id) + " is not in its map");
      }
      return frames.toArray(JAVA_LONG);
    }
  }
}
