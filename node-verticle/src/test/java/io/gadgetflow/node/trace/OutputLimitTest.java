package io.gadgetflow.node.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.trace.TraceState;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OutputLimitTest {
  private static final int LIMIT = 1000;

  @Test
  void anOutputWithinTheLimitIsLeftAsItIs() {
    Answer answer = Answer.completed(entries(10), EventCounters.NONE);

    assertThat(OutputLimit.fit(answer, LIMIT)).isSameAs(answer);
  }

  @Test
  void aTooLargeArrayKeepsItsFirstEntriesThatFitAndSaysHowManyItDropped() throws Exception {
    String output = entries(100);
    assertThat(output.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(LIMIT);

    Answer fitted = OutputLimit.fit(Answer.completed(output, EventCounters.NONE), LIMIT);

    int kept = Json.mapper().readTree(fitted.output()).size();
    assertThat(fitted.output().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LIMIT);
    assertThat(kept).isBetween(1, 99);
    assertThat(Json.mapper().readTree(fitted.output()).get(0).path("pid").asInt()).isZero();
    assertThat(fitted.warning())
        .isEqualTo(
            "Result truncated to its first %d of 100 entries (1000 bytes at most): narrow the filter to see the rest"
                .formatted(kept));
    assertThat(fitted.error()).isNull();
    assertThat(fitted.state()).isEqualTo(TraceState.COMPLETED);
  }

  @Test
  void aWarningTheAnswerHadIsKept() {
    Answer answer =
        Answer.completed(entries(100), EventCounters.NONE)
            .withWarning("No container matches the requested filter");

    assertThat(OutputLimit.fit(answer, LIMIT).warning())
        .startsWith("No container matches the requested filter; Result truncated");
  }

  @Test
  void anyOtherTooLargeOutputBecomesAnError() {
    String report = "{\"data\":\"" + "x".repeat(2 * LIMIT) + "\"}";

    Answer fitted = OutputLimit.fit(Answer.completed(report, EventCounters.NONE), LIMIT);

    assertThat(fitted.output()).isNull();
    assertThat(fitted.error())
        .isEqualTo(
            "The result of %d bytes is larger than the 1000 bytes a Trace's status may hold"
                .formatted(report.length()));
  }

  private static String entries(int count) {
    return IntStream.range(0, count)
        .mapToObj(pid -> "{\"pid\":" + pid + ",\"comm\":\"process-" + pid + "\"}")
        .collect(Collectors.joining(",", "[", "]"));
  }
}
