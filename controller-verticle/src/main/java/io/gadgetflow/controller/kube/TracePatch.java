package io.gadgetflow.controller.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.gadgetflow.api.trace.Trace;
import java.util.List;
import java.util.Map;

/**
 * A JSON patch (RFC 6902) on a Trace's metadata. Every change is guarded by a {@code test} of what
 * it was computed from, so a patch built from a stale copy fails instead of undoing somebody else's
 * write.
 */
public final class TracePatch {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Trace trace;
  private final ArrayNode operations = JSON.arrayNode();

  private TracePatch(Trace trace) {
    this.trace = trace;
  }

  public static TracePatch of(Trace trace) {
    return new TracePatch(trace);
  }

  public boolean isEmpty() {
    return operations.isEmpty();
  }

  public TracePatch addFinalizer(String finalizer) {
    List<String> finalizers = trace.getMetadata().getFinalizers();
    if (finalizers == null || finalizers.isEmpty()) {
      // Creating the list would replace one added meanwhile: only do it on the version we saw.
      test("/metadata/resourceVersion", trace.getMetadata().getResourceVersion());
      add("/metadata/finalizers", JSON.arrayNode().add(finalizer));
    } else if (!finalizers.contains(finalizer)) {
      add("/metadata/finalizers/-", JSON.textNode(finalizer));
    }
    return this;
  }

  public TracePatch removeFinalizer(String finalizer) {
    List<String> finalizers = trace.getMetadata().getFinalizers();
    int index = finalizers == null ? -1 : finalizers.indexOf(finalizer);
    if (index >= 0) {
      String path = "/metadata/finalizers/" + index;
      test(path, finalizer);
      remove(path);
    }
    return this;
  }

  /** Removes the annotation if it still has the value seen in the copy this patch was built on. */
  public TracePatch removeAnnotation(String name) {
    String path = annotationPath(name);
    test(path, trace.getMetadata().getAnnotations().get(name));
    remove(path);
    return this;
  }

  /** Adds the annotation, or replaces it if it still has the value seen. */
  public TracePatch setAnnotation(String name, String value) {
    Map<String, String> annotations = trace.getMetadata().getAnnotations();
    if (annotations == null) {
      add("/metadata/annotations", JSON.objectNode().put(name, value));
      return this;
    }
    if (annotations.containsKey(name)) {
      test(annotationPath(name), annotations.get(name));
    }
    add(annotationPath(name), JSON.textNode(value));
    return this;
  }

  public String toJson() {
    return operations.toString();
  }

  private void test(String path, String value) {
    operations.addObject().put("op", "test").put("path", path).put("value", value);
  }

  private void remove(String path) {
    operations.addObject().put("op", "remove").put("path", path);
  }

  private void add(String path, JsonNode value) {
    operations.addObject().put("op", "add").put("path", path).set("value", value);
  }

  /** The JSON pointer to an annotation: RFC 6901 escapes {@code ~} and {@code /} in its name. */
  static String annotationPath(String name) {
    return "/metadata/annotations/" + name.replace("~", "~0").replace("/", "~1");
  }
}
