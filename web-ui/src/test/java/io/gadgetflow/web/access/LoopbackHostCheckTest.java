package io.gadgetflow.web.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoopbackHostCheckTest {
  @Test
  void loopbackNamesPass() {
    assertThat(LoopbackHostCheck.refusal("localhost", "localhost:8080")).isEmpty();
    assertThat(LoopbackHostCheck.refusal("127.0.0.1", "127.0.0.1:8080")).isEmpty();
    assertThat(LoopbackHostCheck.refusal("127.0.1.1", "127.0.1.1:8080")).isEmpty();
    assertThat(LoopbackHostCheck.refusal("[::1]", "[::1]:8080")).isEmpty();
  }

  @Test
  void aRebindingNameOrNoHostIsRefused() {
    assertThat(LoopbackHostCheck.refusal("attacker.example", "attacker.example:8080"))
        .hasValueSatisfying(why -> assertThat(why).contains("attacker.example:8080"));
    assertThat(LoopbackHostCheck.refusal(null, "null")).isPresent();
    // Names that only begin like a loopback address are DNS names anyone can point anywhere.
    assertThat(LoopbackHostCheck.refusal("127.attacker.example", "127.attacker.example:8080"))
        .isPresent();
    assertThat(LoopbackHostCheck.refusal("127.0.0.1.nip.io", "127.0.0.1.nip.io:8080")).isPresent();
    assertThat(LoopbackHostCheck.refusal("127.0.0.256", "127.0.0.256:8080")).isPresent();
    assertThat(LoopbackHostCheck.refusal("localhost.attacker.example", "x")).isPresent();
  }
}
