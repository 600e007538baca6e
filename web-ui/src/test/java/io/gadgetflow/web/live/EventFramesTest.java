package io.gadgetflow.web.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFramesTest {
  @Test
  void eventFramesCarryTheEventsAsTheNodeWroteThem() {
    String exact = "{\"timestamp\":1795601076143759629,\"pid\":1,\"args\":[\"a\",\"b\"]}";
    String frame = EventFrames.events(List.of(exact, "{\"pid\":2}"), true);

    JsonObject parsed = new JsonObject(frame);
    assertThat(parsed.getString("kind")).isEqualTo("events");
    assertThat(parsed.getBoolean("replay")).isTrue();
    assertThat(parsed.getJsonArray("events")).hasSize(2);
    assertThat(frame).contains(exact);
  }

  @Test
  void otherFramesAreSmallJsonObjects() {
    assertThat(new JsonObject(EventFrames.dropped(5, 12)))
        .isEqualTo(new JsonObject().put("kind", "dropped").put("count", 5).put("total", 12));
    assertThat(new JsonObject(EventFrames.replayed(3, false)).getBoolean("complete")).isFalse();
    assertThat(
            new JsonObject(
                    EventFrames.hello(
                        new WatchedTrace("gadget", "exec", "uid-1", "execsnoop", "node-1"),
                        10,
                        300))
                .getJsonObject("trace")
                .getString("node"))
        .isEqualTo("node-1");
  }
}
