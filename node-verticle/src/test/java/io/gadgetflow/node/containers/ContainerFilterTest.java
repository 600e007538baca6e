package io.gadgetflow.node.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.trace.TraceFilter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerFilterTest {
  static final Container NGINX =
      new Container(
          "a1", "shop", "web-1", "uid-1", "nginx", Map.of("app", "web", "tier", "front"), 7, 0, 0);

  @Test
  void anEmptyFieldMatchesAnything() {
    assertThat(matches(new TraceFilter(null, "", " ", null))).isTrue();
  }

  @Test
  void everyGivenFieldMustMatch() {
    assertThat(matches(new TraceFilter("shop", "web-1", "nginx", Map.of("app", "web")))).isTrue();
    assertThat(matches(new TraceFilter("shop", "web-2", "nginx", null))).isFalse();
    assertThat(matches(new TraceFilter("shop", "web-1", "sidecar", null))).isFalse();
    assertThat(matches(new TraceFilter("bank", "web-1", null, null))).isFalse();
  }

  @Test
  void aNamespaceListMatchesAnyOfItsNamespaces() {
    assertThat(matches(new TraceFilter("bank, shop", null, null, null))).isTrue();
    assertThat(matches(new TraceFilter("bank,default", null, null, null))).isFalse();
  }

  @Test
  void labelsMustAllBeOnThePodWithTheirValues() {
    assertThat(matches(new TraceFilter(null, null, null, Map.of("app", "web", "tier", "front"))))
        .isTrue();
    assertThat(matches(new TraceFilter(null, null, null, Map.of("app", "db")))).isFalse();
    assertThat(matches(new TraceFilter(null, null, null, Map.of("app", "web", "zone", "a"))))
        .isFalse();
  }

  private static boolean matches(TraceFilter filter) {
    return ContainerFilter.of(filter).matches(NGINX);
  }
}
