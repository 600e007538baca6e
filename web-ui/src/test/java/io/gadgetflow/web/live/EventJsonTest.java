package io.gadgetflow.web.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventJsonTest {
  @Test
  void onlyOneWholeJsonObjectPasses() {
    assertThat(EventJson.isObject("{\"pid\":1,\"args\":[\"x\"]}")).isTrue();
    assertThat(EventJson.isObject(" {} ")).isTrue();
    assertThat(EventJson.isObject("[1]")).isFalse();
    assertThat(EventJson.isObject("{\"pid\":1")).isFalse();
    assertThat(EventJson.isObject("{} {}")).isFalse();
    assertThat(EventJson.isObject("{\"a\":1}]")).isFalse();
    assertThat(EventJson.isObject("")).isFalse();
  }
}
