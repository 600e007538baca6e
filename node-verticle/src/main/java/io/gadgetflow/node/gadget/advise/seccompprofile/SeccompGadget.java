package io.gadgetflow.node.gadget.advise.seccompprofile;

import static io.gadgetflow.node.gadget.CStructs.sizeOf;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.bpf.BpfMap;
import io.gadgetflow.node.bpf.SyscallNames;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.ProgramLayouts;
import io.gadgetflow.node.gadget.ProgramLayouts.MapLayout;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.StatusOutput;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
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
  private static final ValueLayout.OfLong MOUNT_NS_ID = JAVA_LONG;

  /** {@code struct syscall_set}: one flag byte per system call number. */
  private static final StructLayout SYSCALL_SET =
      structLayout(sequenceLayout(1024, JAVA_BYTE).withName("used")).withName("syscall_set");

  private static final int SYSCALL_NUMBERS = sizeOf(SYSCALL_SET, "used");

  /** The system calls each mount namespace made. */
  private static final MapLayout SYSCALLS_BY_MOUNT_NS =
      new MapLayout("syscalls_by_mount_ns", MOUNT_NS_ID, SYSCALL_SET);

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.SECCOMP,
              "bpf/advise/seccomp-profile/program.bpf.o",
              ProgramLayouts.ofMaps(SYSCALLS_BY_MOUNT_NS),
              NoEventsDecoder::new,
              Set.of())
          .withResult(
              (gadget, names) ->
                  StatusOutput.Result.of(
                      new String(
                          Json.encode(SeccompProfile.allowing(observedSyscalls(gadget))),
                          StandardCharsets.UTF_8)));

  private SeccompGadget() {}

  /** The names of the system calls recorded in any selected mount namespace. */
  public static SortedSet<String> observedSyscalls(RunningGadget gadget) {
    BitSet numbers = observedNumbers(gadget.map(SYSCALLS_BY_MOUNT_NS.name()));
    SortedSet<String> names = new TreeSet<>();
    numbers.stream().forEach(number -> SyscallNames.of(number).ifPresent(names::add));
    return names;
  }

  private static BitSet observedNumbers(BpfMap map) {
    BitSet numbers = new BitSet(SYSCALL_NUMBERS);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(MOUNT_NS_ID);
      MemorySegment nextKey = arena.allocate(MOUNT_NS_ID);
      MemorySegment flags = arena.allocate(SYSCALL_SET);
      MemorySegment previous = MemorySegment.NULL;
      while (map.nextKey(previous, nextKey)) {
        key.copyFrom(nextKey);
        previous = key;
        if (!map.lookup(key, flags)) {
          continue; // its namespace went away meanwhile
        }
        for (int number = 0; number < SYSCALL_NUMBERS; number++) {
          if (flags.get(JAVA_BYTE, number) != 0) {
            numbers.set(number);
          }
        }
      }
    }
    return numbers;
  }
}
