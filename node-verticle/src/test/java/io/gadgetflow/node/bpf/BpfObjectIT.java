package io.gadgetflow.node.bpf;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BpfObjectIT {
  private static final String RING_WRITER = "bpf/test/ringwriter/program.bpf.o";

  /** A tracepoint program on sys_enter_getpriority, which nothing else on this machine traces. */
  private static final String EXEC_GENERATOR = "bpf/test/execgen/program.bpf.o";

  @Test
  void findsProgramsAndMapsByName() {
    try (BpfObject object = BpfObject.openResource(RING_WRITER)) {
      assertThat(object.name()).isEqualTo("ringwriter");
      assertThat(object.programs()).extracting(BpfProgram::name).containsExactly("write_records");
      assertThat(object.program("write_records").sectionName()).isEqualTo("socket");
      BpfMap events = object.map("events");
      assertThat(events.type()).isEqualTo(BpfMap.TYPE_RINGBUF);
      // gadgetflow.h's GADGET_DEFAULT_RING_BYTES, which every program's ring is compiled with.
      assertThat(events.maxEntries()).isEqualTo(4 * 1024 * 1024);
      assertThat(object.map("lost").type()).isEqualTo(BpfMap.TYPE_PERCPU_ARRAY);

      assertThatThrownBy(() -> object.map("nope")).hasMessageContaining("has no map nope");
      assertThatThrownBy(() -> object.program("nope")).hasMessageContaining("no program nope");
    }
  }

  @Test
  void constantsAreCheckedByNameAndSize() {
    try (BpfObject object = BpfObject.openResource(RING_WRITER)) {
      object.setConstant("filter_by_mount_ns", true);

      assertThatThrownBy(() -> object.setConstant("filter_by_mount_ns", 1L))
          .hasMessageContaining("is 1 bytes, not 8");
      assertThatThrownBy(() -> object.setConstant("no_such_constant", true))
          .hasMessageContaining("no const volatile variable no_such_constant");
    }
  }

  @Test
  void configurationAfterLoadAndUseAfterCloseAreRefused() {
    BpfObject object = BpfObject.openResource(RING_WRITER);
    BpfMap events = object.map("events");
    assertThatThrownBy(events::fd).isInstanceOf(IllegalStateException.class);
    object.load();
    assertThat(events.fd()).isPositive();
    assertThatThrownBy(() -> events.setMaxEntries(4096)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> object.setConstant("filter_by_mount_ns", true))
        .isInstanceOf(IllegalStateException.class);
    object.close();
    object.close();
    assertThatThrownBy(events::fd).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void mapsReadAndWriteThroughTheirFd() {
    try (BpfObject object = BpfObject.openResource(RING_WRITER);
        Arena arena = Arena.ofConfined()) {
      object.load();
      BpfMap filter = object.map("mount_ns_filter");
      var key = arena.allocateFrom(JAVA_LONG, 4026531841L);
      var value = arena.allocate(1);

      assertThat(filter.lookup(key, value)).isFalse();
      value.set(JAVA_BYTE, 0, (byte) 1);
      filter.update(key, value, BpfMap.NO_EXIST);
      value.set(JAVA_BYTE, 0, (byte) 0);
      assertThat(filter.lookup(key, value)).isTrue();
      assertThat(value.get(JAVA_BYTE, 0)).isEqualTo((byte) 1);
      assertThatThrownBy(() -> filter.update(key, value, BpfMap.NO_EXIST))
          .isInstanceOf(LibbpfException.class)
          .hasMessageContaining("errno 17");
      assertThat(filter.delete(key)).isTrue();
      assertThat(filter.delete(key)).isFalse();
    }
  }

  @Test
  void theKernelsLimitOfProgramsPerTracepointIsExplained() {
    List<BpfObject> attached = new ArrayList<>();
    try {
      LibbpfException refused = null;
      for (int i = 0; i <= 64 && refused == null; i++) {
        BpfObject object = BpfObject.openResource(EXEC_GENERATOR);
        attached.add(object);
        object.load();
        try {
          object.attachAll();
        } catch (LibbpfException e) {
          refused = e;
        }
      }
      assertThat(refused).isNotNull();
      assertThat(refused.errno()).isEqualTo(7);
      assertThat(refused)
          .hasMessageStartingWith(
              "the kernel runs at most 64 BPF programs on one tracepoint and"
                  + " tracepoint/syscalls/sys_enter_getpriority has that many")
          .hasMessageContaining("Argument list too long");
    } finally {
      attached.forEach(BpfObject::close);
    }
  }
}
