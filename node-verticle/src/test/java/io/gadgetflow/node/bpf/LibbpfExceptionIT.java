package io.gadgetflow.node.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import org.junit.jupiter.api.Test;

class LibbpfExceptionIT {
  private static final int EACCES = 13;
  private static final int EOPNOTSUPP = 95;

  @Test
  void aProgramTheVerifierRefusesFailsWithTheVerifiersWords() {
    try (BpfObject object = BpfObject.openResource("bpf/test/rejected/program.bpf.o")) {
      assertThatThrownBy(object::load)
          .asInstanceOf(type(LibbpfException.class))
          .satisfies(
              e -> {
                assertThat(e.errno()).isEqualTo(EACCES);
                assertThat(e.libbpfLog()).anyMatch(line -> line.contains("invalid mem access"));
                assertThat(e.getMessage())
                    .startsWith("bpf_object__load failed: Permission denied (errno 13)")
                    .contains("read_through_scalar")
                    .contains("invalid mem access 'scalar'");
              });
    }
  }

  @Test
  void bytesThatAreNoElfObjectFailToOpen() {
    assertThatThrownBy(() -> BpfObject.open("garbage", "not an ELF file".getBytes()))
        .asInstanceOf(type(LibbpfException.class))
        .satisfies(
            e -> {
              assertThat(e.errno()).isPositive();
              assertThat(e.getMessage()).startsWith("bpf_object__open_mem failed");
              assertThat(e.libbpfLog()).isNotEmpty();
            });
  }

  @Test
  void theLogQuotesOnlyTheFailingCall() {
    try (BpfObject rejected = BpfObject.openResource("bpf/test/rejected/program.bpf.o")) {
      assertThatThrownBy(rejected::load).isInstanceOf(LibbpfException.class);
    }
    try (BpfObject object = BpfObject.openResource("bpf/test/ringwriter/program.bpf.o")) {
      object.load();
      // A socket filter has no attach point libbpf could derive from its section name.
      assertThatThrownBy(() -> object.program("write_records").attach())
          .asInstanceOf(type(LibbpfException.class))
          .satisfies(
              e -> {
                assertThat(e.errno()).isEqualTo(EOPNOTSUPP);
                assertThat(e.libbpfLog()).noneMatch(line -> line.contains("invalid mem access"));
              });
    }
  }
}
