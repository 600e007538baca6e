package io.gadgetflow.node.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NativeArchitectureTest {
  @ParameterizedTest
  @CsvSource({"amd64, X86_64", "x86_64, X86_64", "aarch64, AARCH64", "arm64, AARCH64"})
  void knowsTheArchitectureByEitherOfItsNames(String osArch, NativeArchitecture expected) {
    assertThat(NativeArchitecture.named(osArch)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    // struct epoll_event is packed on x86-64 only; a va_list is a 24-byte __va_list_tag there.
    "amd64, 12, 24",
    // AAPCS64: epoll_event's 8-byte data is aligned; a va_list is three pointers and two ints.
    "aarch64, 16, 32"
  })
  void takesTheSizesOfEachArchitecture(String osArch, long epollEventBytes, long vaListBytes) {
    NativeArchitecture architecture = NativeArchitecture.named(osArch);

    assertThat(architecture.epollEventBytes()).isEqualTo(epollEventBytes);
    assertThat(architecture.vaListBytes()).isEqualTo(vaListBytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"riscv64", "ppc64le", "s390x", "x86", "arm"})
  void refusesAnyOtherWithOneLineNamingIt(String osArch) {
    assertThatThrownBy(() -> NativeArchitecture.named(osArch))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "The node agent runs on x86_64 (amd64) and aarch64 (arm64) only, not on " + osArch);
  }
}
