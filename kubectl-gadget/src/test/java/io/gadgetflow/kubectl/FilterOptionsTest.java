package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gadgetflow.api.trace.TraceFilter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

class FilterOptionsTest {
  static TraceFilter filter(String... args) {
    FilterOptions options = new FilterOptions();
    new CommandLine(options).parseArgs(args);
    return options.toFilter("context-namespace");
  }

  @Test
  void withoutFlagsTheKubeconfigContextsNamespaceIsTheFilter() {
    assertThat(filter()).isEqualTo(new TraceFilter("context-namespace", null, null, Map.of()));
  }

  @Test
  void allNamespacesOverridesANamedOne() {
    assertThat(filter("-n", "shop", "-A").isEmpty()).isTrue();
  }

  @Test
  void everyFlagBecomesItsFilterField() {
    assertThat(filter("-n", "shop", "-p", "cart-1", "-c", "app", "-l", "role=web,tier=front"))
        .isEqualTo(
            new TraceFilter("shop", "cart-1", "app", Map.of("role", "web", "tier", "front")));
  }

  @Test
  void aSelectorIsOnlyKeyValuePairs() {
    for (String selector : new String[] {"role", "role=", "=web", "a=b=c", "a=b,"}) {
      assertThatThrownBy(() -> filter("-l", selector))
          .as(selector)
          .isInstanceOf(ParameterException.class)
          .hasMessageContaining("expected key=value pairs separated by commas");
    }
  }
}
