package io.gadgetflow.node.kafka;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Rfc3339TimeTest {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  @Test
  void writesWhatInstantToStringWrites() {
    Rfc3339Time time = new Rfc3339Time();

    assertThat(format(time, 1_795_601_076_143_759_629L))
        .isEqualTo("2026-11-25T10:04:36.143759629Z");
    assertThat(format(time, 1_795_601_076_143_759_000L)).isEqualTo("2026-11-25T10:04:36.143759Z");
    assertThat(format(time, 1_795_601_076_143_000_000L)).isEqualTo("2026-11-25T10:04:36.143Z");
    assertThat(format(time, 1_795_601_076_000_000_000L)).isEqualTo("2026-11-25T10:04:36Z");
    assertThat(format(time, 1_795_601_076_000_000_001L))
        .isEqualTo("2026-11-25T10:04:36.000000001Z");
  }

  @Test
  void agreesWithInstantOnEdgesOfSecondsDaysAndYears() {
    Rfc3339Time time = new Rfc3339Time();
    long[] seconds = {
      0,
      59,
      60,
      86_399,
      86_400,
      951_782_399,
      951_782_400,
      951_868_800,
      4_107_542_399L,
      4_107_542_400L,
      4_110_134_400L,
      1_798_761_599,
      1_798_761_600,
      Long.MAX_VALUE / NANOS_PER_SECOND
    };
    int[] nanos = {0, 1, 999, 1_000, 999_000, 1_000_000, 100_000_000, 999_999_999};
    for (long second : seconds) {
      for (int nano : nanos) {
        if (second == Long.MAX_VALUE / NANOS_PER_SECOND
            && nano > Long.MAX_VALUE % NANOS_PER_SECOND) {
          continue;
        }
        long epochNanos = second * NANOS_PER_SECOND + nano;
        assertThat(format(time, epochNanos)).isEqualTo(expected(epochNanos));
      }
    }
  }

  @Test
  void agreesWithInstantOnRandomTimesInAndOutOfOrder() {
    Rfc3339Time time = new Rfc3339Time();
    SplittableRandom random = new SplittableRandom(20261125);
    long epochNanos = 1_795_601_076_143_759_629L;
    for (int i = 0; i < 200_000; i++) {
      epochNanos =
          switch (i % 4) {
            case 0 -> epochNanos + random.nextLong(2_000_000);
            case 1 -> random.nextLong(Long.MAX_VALUE);
            case 2 -> random.nextLong(4_000_000_000L) * 1_000_000;
            default -> random.nextLong(Long.MIN_VALUE, Long.MAX_VALUE);
          };
      assertThat(format(time, epochNanos)).as("%d", epochNanos).isEqualTo(expected(epochNanos));
    }
  }

  private static String format(Rfc3339Time time, long epochNanos) {
    return new String(time.format(epochNanos), US_ASCII);
  }

  private static String expected(long epochNanos) {
    return Instant.ofEpochSecond(
            Math.floorDiv(epochNanos, NANOS_PER_SECOND),
            Math.floorMod(epochNanos, NANOS_PER_SECOND))
        .toString();
  }
}
