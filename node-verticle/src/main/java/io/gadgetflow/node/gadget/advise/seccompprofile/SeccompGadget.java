package io.gadgetflow.node.gadget.advise.seccompprofile;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.bpf.BpfMap;
import io.gadgetflow.node.bpf.SyscallNames;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.RunningGadget;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * seccomp advisor: src/main/bpf/advise/seccomp-profile/program.bpf.c. Records from start to stop;
 * each generate turns what the selected mount namespaces called so far into one profile.
 */
public final class SeccompGadget {
  private static final String SYSCALLS_MAP = "syscalls_by_mount_ns";

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.SECCOMP,
              "bpf/advise/seccomp-profile/program.bpf.o",
              NoEventsDecoder::new,
              Set.of())
          .withResult(
              gadget ->
                  new String(
                      Json.encode(SeccompProfile.allowing(observedSyscalls(gadget))),
                      StandardCharsets.UTF_8));

  private SeccompGadget() {}

  /** The names of the system calls recorded in any selected mount namespace. */
  public static SortedSet<String> observedSyscalls(RunningGadget gadget) {
    BitSet numbers = observedNumbers(gadget.map(SYSCALLS_MAP));
    SortedSet<String> names = new TreeSet<>();
    numbers.stream().forEach(number -> SyscallNames.of(number).ifPresent(names::add));
    return names;
  }

  private static BitSet observedNumbers(BpfMap map) {
    BitSet numbers = new BitSet(map.valueSize());
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(JAVA_LONG);
      MemorySegment nextKey = arena.allocate(JAVA_LONG);
      MemorySegment flags = arena.allocate(map.valueSize());
      MemorySegment previous = MemorySegment.NULL;
      while (map.nextKey(previous, nextKey)) {
        key.copyFrom(nextKey);
        previous = key;
        if (!map.lookup(key, flags)) {
          continue; // its namespace went away meanwhile
        }
        for (int number = 0; number < map.valueSize(); number++) {
          if (flags.get(JAVA_BYTE, number) != 0) {
            numbers.set(number);
          }
        }
      }
    }
    return numbers;
  }
}
