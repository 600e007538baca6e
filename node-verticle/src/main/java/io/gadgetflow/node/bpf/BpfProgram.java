package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/** A program of a {@link BpfObject}. */
public final class BpfProgram {
  /** {@code struct bpf_test_run_opts} of libbpf 1.1. */
  private static final StructLayout TEST_RUN_OPTIONS =
      MemoryLayout.structLayout(
          JAVA_LONG.withName("sz"),
          ADDRESS.withName("data_in"),
          ADDRESS.withName("data_out"),
          JAVA_INT.withName("data_size_in"),
          JAVA_INT.withName("data_size_out"),
          ADDRESS.withName("ctx_in"),
          ADDRESS.withName("ctx_out"),
          JAVA_INT.withName("ctx_size_in"),
          JAVA_INT.withName("ctx_size_out"),
          JAVA_INT.withName("retval"),
          JAVA_INT.withName("repeat"),
          JAVA_INT.withName("duration"),
          JAVA_INT.withName("flags"),
          JAVA_INT.withName("cpu"),
          JAVA_INT.withName("batch_size"));

  private static final VarHandle TEST_RUN_SIZE = field("sz");
  private static final VarHandle TEST_RUN_DATA_IN = field("data_in");
  private static final VarHandle TEST_RUN_DATA_SIZE_IN = field("data_size_in");
  private static final VarHandle TEST_RUN_RETVAL = field("retval");
  private static final VarHandle TEST_RUN_REPEAT = field("repeat");
  private static final VarHandle TEST_RUN_DURATION = field("duration");

  private static final int E2BIG = 7;

  /** {@code BPF_TRACE_MAX_PROGS}: a tracepoint's perf event runs at most this many programs. */
  private static final int KERNEL_PROGRAMS_PER_TRACEPOINT = 64;

  private final BpfObject owner;
  private final MemorySegment program;
  private final String name;

  BpfProgram(BpfObject owner, MemorySegment program, String name) {
    this.owner = owner;
    this.program = program;
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** Where libbpf attaches it, e.g. {@code tracepoint/syscalls/sys_enter_execve}. */
  public String sectionName() {
    return Libbpf.programSectionName(program);
  }

  /**
   * Whether it is a socket filter ({@code SEC("socket")}): attached to sockets one by one (see
   * {@link PacketSocket}), not by {@link BpfObject#attachAll()}.
   */
  public boolean isSocketFilter() {
    return sectionName().startsWith("socket");
  }

  /** Whether load loads it (the default). */
  public boolean autoload() {
    return Libbpf.programAutoload(program);
  }

  /** Before load: a program not loaded is not attached by {@link BpfObject#attachAll()}. */
  public void setAutoload(boolean autoload) {
    owner.requireOpened();
    Libbpf.programSetAutoload(program, autoload);
  }

  public int fd() {
    owner.requireLoaded();
    return Libbpf.programFd(program);
  }

  /** Attaches where the section name says; the object closes the link at the latest. */
  public BpfLink attach() {
    owner.requireLoaded();
    try {
      return owner.attached(new BpfLink(name, Libbpf.programAttach(program)));
    } catch (LibbpfException e) {
      if (e.errno() == E2BIG) {
        throw e.explained(
            "the kernel runs at most %d BPF programs on one tracepoint and %s has that many: stop"
                    .formatted(KERNEL_PROGRAMS_PER_TRACEPOINT, sectionName())
                + " other traces of this gadget on this node");
      }
      throw e;
    }
  }

  /**
   * Attaches a perf event program to the clock of {@code cpu}, which then runs it {@code
   * samplesPerSecond} times a second, whatever runs there; the object closes the link, and with it
   * the event, at the latest.
   */
  public BpfLink attachToCpuClock(int cpu, long samplesPerSecond) {
    owner.requireLoaded();
    int perfEventFd = PerfEvents.openCpuClock(cpu, samplesPerSecond);
    MemorySegment link;
    try {
      link = Libbpf.programAttachPerfEvent(program, perfEventFd);
    } catch (RuntimeException e) {
      Libc.close(perfEventFd);
      throw e;
    }
    // The link owns the event from now on: destroying it disables and closes the event.
    return owner.attached(new BpfLink(name, link));
  }

  /**
   * Runs the program in the kernel {@code repeat} times on {@code data} ({@code BPF_PROG_TEST_RUN};
   * e.g. for a socket filter, a packet starting with its 14-byte Ethernet header).
   */
  public TestRunResult testRun(byte[] data, int repeat) {
    int programFd = fd();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment options = arena.allocate(TEST_RUN_OPTIONS);
      TEST_RUN_SIZE.set(options, 0L, TEST_RUN_OPTIONS.byteSize());
      TEST_RUN_DATA_IN.set(options, 0L, arena.allocateFrom(JAVA_BYTE, data));
      TEST_RUN_DATA_SIZE_IN.set(options, 0L, data.length);
      TEST_RUN_REPEAT.set(options, 0L, repeat);
      Libbpf.progTestRunOpts(programFd, options);
      return new TestRunResult(
          (int) TEST_RUN_RETVAL.get(options, 0L), (int) TEST_RUN_DURATION.get(options, 0L));
    }
  }

  /**
   * @param returnValue what the program returned (on the last run)
   * @param averageNanos the kernel's average duration of one run
   */
  public record TestRunResult(int returnValue, int averageNanos) {}

  private static VarHandle field(String name) {
    return TEST_RUN_OPTIONS.varHandle(MemoryLayout.PathElement.groupElement(name));
  }
}
