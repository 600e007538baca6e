package io.gadgetflow.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceSpec;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TracePolicyTest {
  private static final TracePolicy POLICY = TracePolicy.DEFAULTS;

  @Test
  void aTenantsTraceMayFilterItsOwnNamespaceOnly() {
    assertThat(POLICY.refusal(trace("shop", "execsnoop", filter("shop")))).isEmpty();
    assertThat(POLICY.refusal(trace("shop", "execsnoop", null))).isEmpty();
    assertThat(POLICY.refusal(trace("shop", "execsnoop", filter("shop,kube-system"))))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("\"shop,kube-system\"", "outside namespace \"shop\"", "gadget"));
  }

  @Test
  void nodeWideNamespacesMayFilterAnythingOrNothing() {
    assertThat(POLICY.refusal(trace("gadget", "execsnoop", filter("kube-system")))).isEmpty();
    assertThat(POLICY.effectiveFilter(trace("gadget", "execsnoop", null)).isEmpty()).isTrue();
    TracePolicy everywhere = TracePolicy.NO_TENANTS;
    assertThat(everywhere.refusal(trace("shop", "execsnoop", filter("other")))).isEmpty();
    assertThat(everywhere.effectiveFilter(trace("shop", "execsnoop", null)).isEmpty()).isTrue();
  }

  @Test
  void aTenantsTraceWithoutANamespaceGetsItsOwnAndKeepsTheRestOfItsFilter() {
    TraceFilter effective =
        POLICY.effectiveFilter(
            trace("shop", "execsnoop", new TraceFilter(null, "web-1", "app", Map.of("a", "b"))));
    assertThat(effective).isEqualTo(new TraceFilter("shop", "web-1", "app", Map.of("a", "b")));
    assertThat(POLICY.effectiveFilter(trace("shop", "execsnoop", null)).namespaces())
        .containsExactly("shop");
  }

  @Test
  void gadgetsThatSeeTheWholeNodeRunOnlyInNodeWideNamespaces() {
    assertThat(POLICY.refusal(trace("shop", "biolatency", null)))
        .hasValueSatisfying(why -> assertThat(why).contains("\"biolatency\"", "whole node"));
    assertThat(POLICY.refusal(trace("gadget", "biolatency", null))).isEmpty();
  }

  @Test
  void anExternalResourceGoesIntoTheTracesNamespaceOrOneTheAdministratorAllows() {
    assertThat(POLICY.refusal(external("shop", "shop/profile"))).isEmpty();
    assertThat(POLICY.refusal(external("shop", "kube-system/profile")))
        .hasValueSatisfying(
            why -> assertThat(why).contains("\"kube-system/profile\"", "its own namespace"));
    TracePolicy allowing = new TracePolicy(Set.of("gadget"), Set.of("profiles"));
    assertThat(allowing.refusal(external("shop", "profiles/p"))).isEmpty();
    assertThat(allowing.refusal(external("shop", "kube-system/p")))
        .hasValueSatisfying(why -> assertThat(why).endsWith("or profiles"));
  }

  private static TraceFilter filter(String namespace) {
    return new TraceFilter(namespace, null, null, null);
  }

  private static Trace external(String namespace, String output) {
    Trace trace = trace(namespace, "seccomp", null);
    trace.getSpec().setOutputMode(OutputMode.EXTERNAL_RESOURCE);
    trace.getSpec().setOutput(output);
    return trace;
  }

  private static Trace trace(String namespace, String gadget, TraceFilter filter) {
    Trace trace = new Trace();
    trace.getMetadata().setNamespace(namespace);
    trace.getMetadata().setName("t");
    TraceSpec spec = new TraceSpec();
    spec.setGadget(gadget);
    spec.setNode("node-1");
    spec.setFilter(filter);
    trace.setSpec(spec);
    return trace;
  }
}
