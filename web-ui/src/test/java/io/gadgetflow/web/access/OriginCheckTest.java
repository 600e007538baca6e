package io.gadgetflow.web.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginCheckTest {
  @Test
  void withoutAllowedOriginsOnlyTheDashboardsOwnPageMayConnect() {
    OriginCheck check = new OriginCheck(List.of());

    assertThat(check.refusal("http://127.0.0.1:8080", "http://127.0.0.1:8080")).isEmpty();
    assertThat(check.refusal("HTTP://LOCALHOST:8080/", "http://localhost:8080")).isEmpty();
    assertThat(check.refusal("http://evil.example", "http://127.0.0.1:8080"))
        .hasValueSatisfying(why -> assertThat(why).contains("http://evil.example"));
    assertThat(check.refusal("http://127.0.0.1:9999", "http://127.0.0.1:8080")).isPresent();
  }

  @Test
  void configuredOriginsReplaceTheOwnOrigin() {
    OriginCheck check = new OriginCheck(List.of("https://gadgets.example.com"));

    assertThat(check.refusal("https://gadgets.example.com", "http://10.0.0.5:8080")).isEmpty();
    assertThat(check.refusal("http://10.0.0.5:8080", "http://10.0.0.5:8080")).isPresent();
  }

  @Test
  void clientsThatAreNotBrowsersSendNoOriginAndAreJudgedByTheirTokenAlone() {
    assertThat(new OriginCheck(List.of("https://x.example")).refusal(null, "http://h:1")).isEmpty();
  }
}
