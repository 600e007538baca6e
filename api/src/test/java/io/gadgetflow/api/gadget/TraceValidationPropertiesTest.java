package io.gadgetflow.api.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every spec the CRD admits gets an answer from validation: each field may be missing, and the
 * strings are anything a user can write. A spec that makes validation throw leaves its Trace
 * without any status while the controller retries it forever.
 */
class TraceValidationPropertiesTest {

  @Property(tries = 2000)
  void anySpecIsAnsweredWithoutThrowing(@ForAll("specs") TraceSpec spec) {
    TraceValidation.validate(spec)
        .ifPresent(violation -> assertThat(violation.message()).isNotBlank());
  }

  @Property(tries = 200)
  void aSpecWithoutOutputModeIsRefusedInInspektorGadgetsWords(
      @ForAll("gadgets") String gadget, @ForAll("nodes") String node) {
    TraceSpec spec = new TraceSpec();
    spec.setGadget(gadget);
    spec.setNode(node);
    spec.setRunMode(RunMode.MANUAL);

    assertThat(TraceValidation.validate(spec))
        .map(TraceValidation.Violation::message)
        .contains("Unsupported OutputMode \"\" for gadget \"%s\"".formatted(gadget));
  }

  @Provide
  Arbitrary<String> gadgets() {
    return Arbitraries.of(GadgetCatalog.all().stream().map(GadgetDescriptor::name).toList());
  }

  @Provide
  Arbitrary<String> nodes() {
    return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20);
  }

  @Provide
  Arbitrary<TraceSpec> specs() {
    Arbitrary<String> anyString =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(30),
            Arbitraries.of("", " ", "5", "-1", "1,2,3", "true", "-comm,pid", "gadget/profile"));
    Arbitrary<String> gadget = Arbitraries.oneOf(gadgets(), anyString).injectNull(0.1);
    Arbitrary<RunMode> runMode = Arbitraries.of(RunMode.class).injectNull(0.3);
    Arbitrary<OutputMode> outputMode = Arbitraries.of(OutputMode.class).injectNull(0.3);
    Arbitrary<TraceFilter> filter =
        Combinators.combine(
                anyString.injectNull(0.5),
                anyString.injectNull(0.5),
                anyString.injectNull(0.5),
                Arbitraries.maps(anyString, anyString).ofMaxSize(2).injectNull(0.5))
            .as(TraceFilter::new)
            .injectNull(0.5);
    Arbitrary<Map<String, String>> parameters = parameters(anyString).injectNull(0.2);
    return Combinators.combine(
            gadget,
            anyString.injectNull(0.2),
            runMode,
            outputMode,
            filter,
            anyString.injectNull(0.3),
            parameters)
        .as(
            (name, node, run, output, containers, outputTarget, values) -> {
              TraceSpec spec = new TraceSpec();
              spec.setGadget(name);
              spec.setNode(node);
              spec.setRunMode(run);
              spec.setOutputMode(output);
              spec.setFilter(containers);
              spec.setOutput(outputTarget);
              spec.setParameters(values);
              return spec;
            });
  }

  /** Names of real parameters and made-up ones, with values of every kind, null included. */
  private static Arbitrary<Map<String, String>> parameters(Arbitrary<String> anyString) {
    List<String> names = new ArrayList<>();
    GadgetCatalog.all().forEach(g -> g.parameters().forEach(p -> names.add(p.name())));
    Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of(names), anyString);
    return Arbitraries.entries(name, anyString.injectNull(0.1))
        .list()
        .ofMaxSize(3)
        .map(
            entries -> {
              Map<String, String> map = new HashMap<>();
              entries.forEach(entry -> map.put(entry.getKey(), entry.getValue()));
              return map;
            });
  }
}
