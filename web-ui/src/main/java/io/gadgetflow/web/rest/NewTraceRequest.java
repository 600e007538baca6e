package io.gadgetflow.web.rest;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.gadget.ParameterDescriptor;
import io.gadgetflow.api.gadget.TraceValidation;
import io.gadgetflow.api.json.WireNames;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.web.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * The body of {@code POST .../traces}: one gadget on one or several nodes, turned into one Trace
 * per node (a Trace names one node). Everything is checked here, with the catalogue's rules ({@link
 * TraceValidation}) where the controller has them too, so the user hears about a mistake from the
 * form, with the field named, rather than later from {@code status.operationError}.
 *
 * <pre>{@code
 * {"name": "exec", "gadget": "execsnoop", "nodes": ["node-1"] | "allNodes": true,
 *  "outputMode": "Stream", "output": "", "filter": {"namespace": "default", "podname": "",
 *  "containerName": "", "labels": {"app": "web"}}, "parameters": {"k": "v"}, "operation": "start"}
 * }</pre>
 */
public final class NewTraceRequest {
  /** Marks the Traces one request created, so the dashboard can show them together. */
  public static final String GROUP_LABEL = "gadgetflow.io/group";

  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "gadget",
          "nodes",
          "allNodes",
          "outputMode",
          "output",
          "filter",
          "parameters",
          "operation");
  private static final Set<String> FILTER_FIELDS =
      Set.of("namespace", "podname", "containerName", "labels");
  private static final String NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final int NAME_SUFFIX_LENGTH = 5;
  private static final int GROUP_ID_LENGTH = 10;

  private NewTraceRequest() {}

  /**
   * The Traces to create, named {@code <name>} for one node and {@code <name>-<node>} for several;
   * without a name, {@code <gadget>-<random>}.
   *
   * @param agentNodes the nodes {@code "allNodes": true} stands for
   * @throws ApiException 400 naming the first field at fault
   */
  public static List<Trace> traces(
      String namespace, JsonObject body, List<String> agentNodes, RandomGenerator random) {
    rejectUnknown("", body.fieldNames(), FIELDS);
    GadgetDescriptor gadget = gadget(body.getValue("gadget"));
    List<String> nodes = nodes(body, agentNodes);
    OutputMode outputMode = outputMode(body.getValue("outputMode"), gadget);
    String output = output(body.getValue("output"), outputMode);
    TraceFilter filter = filter(body.getValue("filter"), gadget);
    Map<String, String> parameters = parameters(body.getValue("parameters"), gadget);
    Operation operation =
        body.getValue("operation") == null
            ? null
            : OperationRequests.parse("operation", body.getValue("operation"), gadget);
    String baseName = baseName(body.getValue("name"), gadget, random);
    String group = randomString(random, GROUP_ID_LENGTH);

    List<Trace> traces = new ArrayList<>();
    for (String node : nodes) {
      String name = nodes.size() == 1 ? baseName : baseName + "-" + node;
      if (!KubernetesNames.isObjectName(name)) {
        throw ApiException.invalid(
            "name",
            "\"%s\" for node \"%s\" is not a Trace name (RFC 1123 subdomain, at most %d characters)"
                .formatted(name, node, KubernetesNames.MAX_SUBDOMAIN));
      }
      TraceSpec spec = new TraceSpec();
      spec.setNode(node);
      spec.setGadget(gadget.name());
      spec.setRunMode(RunMode.MANUAL);
      spec.setOutputMode(outputMode);
      spec.setOutput(output);
      spec.setFilter(filter);
      spec.setParameters(parameters);
      Trace trace = new Trace();
      ObjectMetaBuilder metadata =
          new ObjectMetaBuilder()
              .withNamespace(namespace)
              .withName(name)
              .withLabels(Map.of(GROUP_LABEL, group));
      if (operation != null) {
        metadata.withAnnotations(Map.of(Trace.OPERATION_ANNOTATION, operation.annotationValue()));
      }
      trace.setMetadata(metadata.build());
      trace.setSpec(spec);
      traces.add(trace);
    }
    return traces;
  }

  private static GadgetDescriptor gadget(Object value) {
    String names =
        GadgetCatalog.all().stream().map(GadgetDescriptor::name).collect(Collectors.joining(", "));
    if (!(value instanceof String name) || name.isBlank()) {
      throw ApiException.invalid("gadget", "required; one of " + names);
    }
    return GadgetCatalog.find(name)
        .orElseThrow(
            () ->
                ApiException.invalid(
                    "gadget", "unknown gadget \"%s\"; known: %s".formatted(name, names)));
  }

  private static List<String> nodes(JsonObject body, List<String> agentNodes) {
    Object all = body.getValue("allNodes");
    if (all != null && !(all instanceof Boolean)) {
      throw ApiException.invalid("allNodes", "must be true or false");
    }
    Object listed = body.getValue("nodes");
    if (Boolean.TRUE.equals(all)) {
      if (listed != null) {
        throw ApiException.invalid("nodes", "must be absent when allNodes is true");
      }
      if (agentNodes.isEmpty()) {
        throw ApiException.invalid("allNodes", "no node is known to run a GadgetFlow agent yet");
      }
      return List.copyOf(agentNodes);
    }
    if (!(listed instanceof JsonArray array) || array.isEmpty()) {
      throw ApiException.invalid("nodes", "name at least one node, or set allNodes to true");
    }
    Set<String> nodes = new LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      Object node = array.getValue(i);
      if (!(node instanceof String name) || !KubernetesNames.isObjectName(name)) {
        throw ApiException.invalid(
            "nodes[" + i + "]", "\"" + node + "\" is not a node name (RFC 1123 subdomain)");
      }
      nodes.add(name);
    }
    return List.copyOf(nodes);
  }

  private static OutputMode outputMode(Object value, GadgetDescriptor gadget) {
    if (value == null) {
      return gadget.outputModes().contains(OutputMode.STREAM)
          ? OutputMode.STREAM
          : gadget.outputModes().stream().sorted().findFirst().orElseThrow();
    }
    String offered =
        gadget.outputModes().stream().map(WireNames::of).sorted().collect(Collectors.joining(", "));
    if (!(value instanceof String text)) {
      throw ApiException.invalid("outputMode", "must be a string, one of " + offered);
    }
    return WireNames.parse(OutputMode.class, text)
        .filter(mode -> TraceValidation.outputMode(gadget, mode).isEmpty())
        .orElseThrow(
            () ->
                ApiException.invalid(
                    "outputMode",
                    "gadget \"%s\" has no output mode \"%s\"; it has %s"
                        .formatted(gadget.name(), text, offered)));
  }

  private static String output(Object value, OutputMode mode) {
    if (value != null && !(value instanceof String)) {
      throw ApiException.invalid("output", "must be a string");
    }
    String output = value == null ? "" : ((String) value).strip();
    boolean needed = mode == OutputMode.FILE || mode == OutputMode.EXTERNAL_RESOURCE;
    if (needed && output.isEmpty()) {
      throw ApiException.invalid(
          "output",
          mode == OutputMode.FILE
              ? "required for outputMode File: a path on the node"
              : "required for outputMode ExternalResource: <namespace>/<name>");
    }
    return output.isEmpty() ? null : output;
  }

  private static TraceFilter filter(Object value, GadgetDescriptor gadget) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiException.invalid("filter", "must be an object");
    }
    rejectUnknown("filter.", object.fieldNames(), FILTER_FIELDS);
    String namespace = optionalString(object, "namespace", "filter.namespace");
    String podname = optionalString(object, "podname", "filter.podname");
    String containerName = optionalString(object, "containerName", "filter.containerName");
    Map<String, String> labels = labels(object.getValue("labels"));
    if (namespace != null) {
      for (String each : namespace.split(",")) {
        if (!KubernetesNames.isNamespace(each.strip())) {
          throw ApiException.invalid(
              "filter.namespace", "\"" + each.strip() + "\" is not a namespace name");
        }
      }
    }
    TraceFilter filter = new TraceFilter(namespace, podname, containerName, labels);
    if (filter.isEmpty()) {
      return null;
    }
    TraceValidation.filter(gadget, filter)
        .ifPresent(
            unsupported -> {
              throw ApiException.invalid(
                  "filter",
                  "gadget \"%s\" sees the whole node and takes no filter".formatted(gadget.name()));
            });
    return filter;
  }

  private static Map<String, String> labels(Object value) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiException.invalid("filter.labels", "must be an object of label names to values");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (String key : object.fieldNames()) {
      String field = "filter.labels." + key;
      if (!KubernetesNames.isLabelKey(key)) {
        throw ApiException.invalid(field, "\"" + key + "\" is not a label name");
      }
      if (!(object.getValue(key) instanceof String labelValue)
          || !KubernetesNames.isLabelValue(labelValue)) {
        throw ApiException.invalid(field, "\"" + object.getValue(key) + "\" is not a label value");
      }
      labels.put(key, labelValue);
    }
    return labels;
  }

  private static Map<String, String> parameters(Object value, GadgetDescriptor gadget) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiException.invalid("parameters", "must be an object of parameter names to strings");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String name : object.fieldNames()) {
      String field = "parameters." + name;
      ParameterDescriptor descriptor =
          gadget
              .parameter(name)
              .orElseThrow(
                  () ->
                      ApiException.invalid(
                          field,
                          "gadget \"%s\" has no parameter \"%s\"%s"
                              .formatted(gadget.name(), name, knownParameters(gadget))));
      if (!(object.getValue(name) instanceof String text)) {
        throw ApiException.invalid(field, "must be a string, as in spec.parameters");
      }
      if (text.isEmpty()) {
        continue;
      }
      TraceValidation.parameterValue(gadget, descriptor, text)
          .ifPresent(
              invalid -> {
                throw ApiException.invalid(
                    field, "invalid value \"" + text + "\": " + invalid.why());
              });
      parameters.put(name, text);
    }
    return parameters;
  }

  private static String knownParameters(GadgetDescriptor gadget) {
    return gadget.parameters().isEmpty()
        ? "; it takes none"
        : "; it takes "
            + gadget.parameters().stream()
                .map(ParameterDescriptor::name)
                .collect(Collectors.joining(", "));
  }

  private static String baseName(Object value, GadgetDescriptor gadget, RandomGenerator random) {
    if (value == null || (value instanceof String text && text.isBlank())) {
      return gadget.name() + "-" + randomString(random, NAME_SUFFIX_LENGTH);
    }
    if (!(value instanceof String name) || !KubernetesNames.isObjectName(name)) {
      throw ApiException.invalid(
          "name",
          "\"%s\" is not a Trace name: lower-case letters, digits, '-' and '.'".formatted(value));
    }
    return name;
  }

  private static String optionalString(JsonObject object, String key, String field) {
    Object value = object.getValue(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw ApiException.invalid(field, "must be a string");
    }
    return text.isBlank() ? null : text.strip();
  }

  private static void rejectUnknown(String prefix, Set<String> given, Set<String> known) {
    for (String name : given) {
      if (!known.contains(name)) {
        throw ApiException.invalid(
            prefix + name,
            "unknown field; known: " + known.stream().sorted().collect(Collectors.joining(", ")));
      }
    }
  }

  private static String randomString(RandomGenerator random, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(NAME_ALPHABET.charAt(random.nextInt(NAME_ALPHABET.length())));
    }
    return text.toString();
  }
}
