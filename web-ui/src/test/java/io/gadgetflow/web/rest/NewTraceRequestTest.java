package io.gadgetflow.web.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.web.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NewTraceRequestTest {
  static final List<String> AGENTS = List.of("node-a", "node-b");

  static List<Trace> traces(JsonObject body) {
    return NewTraceRequest.traces("gadget", body, AGENTS, new SplittableRandom(7));
  }

  static JsonObject execsnoop() {
    return new JsonObject().put("gadget", "execsnoop");
  }

  @Test
  void oneNodeGivesOneTraceOfThatNameStartedByTheAnnotation() {
    List<Trace> traces =
        traces(
            execsnoop()
                .put("name", "exec")
                .put("nodes", new JsonArray().add("node-a"))
                .put("operation", "start")
                .put(
                    "filter",
                    new JsonObject()
                        .put("namespace", "default, web")
                        .put("labels", new JsonObject().put("app", "shop"))));

    assertThat(traces).hasSize(1);
    Trace trace = traces.getFirst();
    assertThat(trace.getMetadata().getName()).isEqualTo("exec");
    assertThat(trace.getMetadata().getNamespace()).isEqualTo("gadget");
    assertThat(trace.getMetadata().getAnnotations())
        .isEqualTo(Map.of(Trace.OPERATION_ANNOTATION, "start"));
    assertThat(trace.getSpec().getNode()).isEqualTo("node-a");
    assertThat(trace.getSpec().getRunMode()).isEqualTo(RunMode.MANUAL);
    assertThat(trace.getSpec().getOutputMode()).isEqualTo(OutputMode.STREAM);
    assertThat(trace.getSpec().getFilter().namespaces()).containsExactly("default", "web");
    assertThat(trace.getSpec().getFilter().labels()).isEqualTo(Map.of("app", "shop"));
  }

  @Test
  void allNodesGivesOneTracePerAgentNodeNamedAfterItInOneGroup() {
    List<Trace> traces = traces(execsnoop().put("name", "exec").put("allNodes", true));

    assertThat(traces)
        .extracting(t -> t.getMetadata().getName())
        .containsExactly("exec-node-a", "exec-node-b");
    assertThat(traces)
        .extracting(t -> t.getMetadata().getLabels().get(NewTraceRequest.GROUP_LABEL))
        .doesNotContainNull()
        .containsOnly(traces.getFirst().getMetadata().getLabels().get(NewTraceRequest.GROUP_LABEL));
    assertThat(traces.getFirst().getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void withoutANameOneIsMadeFromTheGadget() {
    String name =
        traces(execsnoop().put("nodes", new JsonArray().add("node-a")))
            .getFirst()
            .getMetadata()
            .getName();

    assertThat(name).matches("execsnoop-[a-z0-9]{5}");
  }

  @Test
  void emptyFiltersAndParametersAreLeftOut() {
    Trace trace =
        traces(
                execsnoop()
                    .put("nodes", new JsonArray().add("node-a"))
                    .put("filter", new JsonObject().put("podname", " "))
                    .put("parameters", new JsonObject()))
            .getFirst();

    assertThat(trace.getSpec().getFilter()).isNull();
    assertThat(trace.getSpec().getParameters()).isEmpty();
  }

  @Test
  void mistakesNameTheirField() {
    assertField(new JsonObject().put("nodes", new JsonArray().add("n")), "gadget");
    assertField(execsnoop().put("nodes", new JsonArray()), "nodes");
    assertField(execsnoop().put("nodes", new JsonArray().add(5)), "nodes[0]");
    assertField(execsnoop().put("allNodes", "yes"), "allNodes");
    assertField(
        execsnoop().put("allNodes", true).put("nodes", new JsonArray().add("node-a")), "nodes");
    assertField(execsnoop().put("nodes", new JsonArray().add("node-a")).put("output", 3), "output");
    assertField(
        execsnoop()
            .put("nodes", new JsonArray().add("node-a"))
            .put("filter", new JsonObject().put("podName", "x")),
        "filter.podName");
    assertField(
        execsnoop()
            .put("nodes", new JsonArray().add("node-a"))
            .put("filter", new JsonObject().put("namespace", "Web")),
        "filter.namespace");
    assertField(
        execsnoop()
            .put("nodes", new JsonArray().add("node-a"))
            .put("parameters", new JsonObject().put("x", 1)),
        "parameters.x");
    assertField(
        execsnoop().put("nodes", new JsonArray().add("node-a")).put("name", "x".repeat(254)),
        "name");
  }

  @Test
  void allNodesNeedsAKnownAgent() {
    assertThatThrownBy(
            () ->
                NewTraceRequest.traces(
                    "gadget", execsnoop().put("allNodes", true), List.of(), new SplittableRandom()))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.field()).isEqualTo("allNodes"));
  }

  private static void assertField(JsonObject body, String field) {
    assertThatThrownBy(() -> traces(body))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.getMessage()).startsWith(field + ": ");
            });
  }
}
