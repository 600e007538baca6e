package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {
  @Test
  void controlCharactersBecomeTheirEscapesAndPrintableTextStays() {
    assertThat(TerminalText.neutralise("\u001b]0;owned\u0007\u001b[2J"))
        .isEqualTo("\\x1b]0;owned\\x07\\x1b[2J");
    assertThat(TerminalText.neutralise("a\nb\tc\rd\u007f\u009b"))
        .isEqualTo("a\\nb\\tc\\rd\\x7f\\x9b");
    assertThat(TerminalText.neutralise("/usr/bin/täglich 日本")).isEqualTo("/usr/bin/täglich 日本");
  }

  @Test
  void aBackslashIsDoubledSoThatAnEscapeCannotBeFaked() {
    assertThat(TerminalText.neutralise("\\x1b")).isEqualTo("\\\\x1b");
  }
}
