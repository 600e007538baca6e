package io.gadgetflow.api.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceLogTest {

  @Test
  void namesTheActionThenTheTraceThenTheRest() {
    String line =
        TraceLog.action("operation-published")
            .trace("gadget", "exec", "1234")
            .field("operation", "start")
            .field("missing", null)
            .toString();

    assertThat(line)
        .isEqualTo("action=operation-published trace=gadget/exec uid=1234 operation=start");
  }

  @Test
  void quotesValuesThatWouldSplitTheLine() {
    String line =
        TraceLog.action("gadget-failed")
            .trace("gadget", "exec", null)
            .field("error", "Unknown gadget \"x\"\nsecond line")
            .field("empty", "")
            .toString();

    assertThat(line)
        .isEqualTo(
            "action=gadget-failed trace=gadget/exec error=\"Unknown gadget \\\"x\\\"\\nsecond"
                + " line\" empty=\"\"");
  }
}
