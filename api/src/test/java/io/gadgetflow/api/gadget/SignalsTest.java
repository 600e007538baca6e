package io.gadgetflow.api.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignalsTest {

  @Test
  void acceptsNumbersAndNamesWithOrWithoutPrefixInAnyCase() {
    assertThat(Signals.parse("9")).hasValue(9);
    assertThat(Signals.parse("SIGKILL")).hasValue(9);
    assertThat(Signals.parse("kill")).hasValue(9);
    assertThat(Signals.parse(" sigterm ")).hasValue(15);
    assertThat(Signals.parse("64")).hasValue(64);
  }

  @Test
  void refusesWhatIsNoSignal() {
    assertThat(Signals.parse("0")).isEmpty();
    assertThat(Signals.parse("65")).isEmpty();
    assertThat(Signals.parse("SIGFOO")).isEmpty();
    assertThat(Signals.parse("")).isEmpty();
  }

  @Test
  void namesSignalsAndNumbersTheRest() {
    assertThat(Signals.name(1)).isEqualTo("SIGHUP");
    assertThat(Signals.name(31)).isEqualTo("SIGSYS");
    assertThat(Signals.name(40)).isEqualTo("40");
  }

  @Test
  void theSignalParameterTypeUsesThem() {
    assertThat(ParameterType.SIGNAL.check("usr1")).isEmpty();
    assertThat(ParameterType.SIGNAL.check("nope")).isPresent();
  }
}
