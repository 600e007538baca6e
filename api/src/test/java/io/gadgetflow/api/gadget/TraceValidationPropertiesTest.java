package io.gadgetflow.api.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Every spec the CRD admits gets an answer from validation: each field may be missing, and the
 * strings are anything a user can write. A spec that makes validation throw leaves its Trace
 * without any status while the controller retries it forever.
 *
 * <p>The cases come from a fixed seed, {@code -Dgadgetflow.poison.seed=N} sets another; a failure
 * names the seed and the case. (This module is below test-support, whose {@code SeededCases} the
 * other modules' property tests use.)
 */
class TraceValidationPropertiesTest {
  private static final long SEED = Long.getLong("gadgetflow.poison.seed", 0x6ad9_e7f1_0c55_2b3dL);
  private static final List<String> GADGETS =
      GadgetCatalog.all().stream().map(GadgetDescriptor::name).toList();
  private static final List<String> PARAMETERS =
      GadgetCatalog.all().stream()
          .flatMap(gadget -> gadget.parameters().stream())
          .map(parameter -> parameter.name())
          .toList();
  private static final List<String> WORDS =
      List.of("", " ", "5", "-1", "1,2,3", "true", "-comm,pid", "gadget/profile");

  @Test
  void anySpecIsAnsweredWithoutThrowing() {
    SplittableRandom cases = new SplittableRandom(SEED);
    for (int index = 0; index < 2000; index++) {
      TraceSpec spec = spec(cases.split());
      String which = "case %d with seed %d: %s".formatted(index, SEED, describe(spec));
      try {
        TraceValidation.validate(spec)
            .ifPresent(violation -> assertThat(violation.message()).as(which).isNotBlank());
      } catch (RuntimeException e) {
        throw new AssertionError(which, e);
      }
    }
  }

  @Test
  void aSpecWithoutOutputModeIsRefusedInInspektorGadgetsWords() {
    SplittableRandom cases = new SplittableRandom(SEED);
    for (int index = 0; index < 200; index++) {
      RandomGenerator random = cases.split();
      TraceSpec spec = new TraceSpec();
      spec.setGadget(anyOf(GADGETS, random));
      spec.setNode(nodeName(random));
      spec.setRunMode(RunMode.MANUAL);

      assertThat(TraceValidation.validate(spec))
          .as("case %d with seed %d: %s", index, SEED, describe(spec))
          .map(TraceValidation.Violation::message)
          .contains("Unsupported OutputMode \"\" for gadget \"%s\"".formatted(spec.getGadget()));
    }
  }

  private static TraceSpec spec(RandomGenerator random) {
    TraceSpec spec = new TraceSpec();
    spec.setGadget(
        orNull(
            random, 0.1, () -> random.nextBoolean() ? anyOf(GADGETS, random) : anyString(random)));
    spec.setNode(orNull(random, 0.2, () -> anyString(random)));
    spec.setRunMode(orNull(random, 0.3, () -> anyOf(List.of(RunMode.values()), random)));
    spec.setOutputMode(orNull(random, 0.3, () -> anyOf(List.of(OutputMode.values()), random)));
    spec.setFilter(orNull(random, 0.5, () -> filter(random)));
    spec.setOutput(orNull(random, 0.3, () -> anyString(random)));
    spec.setParameters(orNull(random, 0.2, () -> parameters(random)));
    return spec;
  }

  private static TraceFilter filter(RandomGenerator random) {
    Map<String, String> labels = new HashMap<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      labels.put(anyString(random), anyString(random));
    }
    return new TraceFilter(
        orNull(random, 0.5, () -> anyString(random)),
        orNull(random, 0.5, () -> anyString(random)),
        orNull(random, 0.5, () -> anyString(random)),
        orNull(random, 0.5, () -> labels));
  }

  /** Names of real parameters and made-up ones, with values of every kind, null included. */
  private static Map<String, String> parameters(RandomGenerator random) {
    Map<String, String> parameters = new HashMap<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      String name = random.nextBoolean() ? anyOf(PARAMETERS, random) : anyString(random);
      parameters.put(name, orNull(random, 0.1, () -> anyString(random)));
    }
    return parameters;
  }

  /** A word validation may take for a number, list or path, or up to 30 characters of any kind. */
  private static String anyString(RandomGenerator random) {
    if (random.nextBoolean()) {
      return anyOf(WORDS, random);
    }
    return random
        .ints(random.nextInt(31), 0, 0x3000)
        .filter(c -> !Character.isSurrogate((char) c))
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }

  /** One to twenty letters and digits. */
  private static String nodeName(RandomGenerator random) {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    StringBuilder name = new StringBuilder();
    for (int i = 1 + random.nextInt(20); i > 0; i--) {
      name.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return name.toString();
  }

  private static <T> T orNull(RandomGenerator random, double chance, Supplier<T> value) {
    return random.nextDouble() < chance ? null : value.get();
  }

  private static <T> T anyOf(List<T> items, RandomGenerator random) {
    return items.get(random.nextInt(items.size()));
  }

  private static String describe(TraceSpec spec) {
    return "gadget=%s node=%s runMode=%s outputMode=%s filter=%s output=%s parameters=%s"
        .formatted(
            spec.getGadget(),
            spec.getNode(),
            spec.getRunMode(),
            spec.getOutputMode(),
            spec.getFilter(),
            spec.getOutput(),
            spec.getParameters());
  }
}
