package io.gadgetflow.testing;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Checks a property on a fixed number of cases drawn from one seed, so that every run checks the
 * same cases and a failure names what meets it again: the seed ({@code -Dgadgetflow.poison.seed=N}
 * sets another) and the index of the case that failed.
 */
public final class SeededCases {
  /** The system property that sets the seed, to explore other cases or replay a failure. */
  public static final String SEED_PROPERTY = "gadgetflow.poison.seed";

  private static final long DEFAULT_SEED = 0x6ad9_e7f1_0c55_2b3dL;

  private SeededCases() {}

  /** One case of a property: draws its inputs from {@code random} and asserts. */
  @FunctionalInterface
  public interface Case {
    void check(RandomGenerator random) throws Exception;
  }

  /** The seed of this run: {@value #SEED_PROPERTY} if set, else a fixed one. */
  public static long seed() {
    return Long.getLong(SEED_PROPERTY, DEFAULT_SEED);
  }

  /**
   * Checks {@code property} on {@code count} cases, each with a generator split from the seed's;
   * the first case that throws fails with the seed and its index in the message.
   */
  public static void check(int count, Case property) {
    long seed = seed();
    SplittableRandom cases = new SplittableRandom(seed);
    for (int index = 0; index < count; index++) {
      try {
        property.check(cases.split());
      } catch (Exception | Error e) {
        throw new AssertionError(
            "case %d of %d failed with seed %d (replay: -D%s=%d): %s"
                .formatted(index, count, seed, SEED_PROPERTY, seed, e),
            e);
      }
    }
  }
}
