package io.gadgetflow.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gadgetflow.api.trace.Trace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracePatchTest {

  static Trace trace(Map<String, String> annotations, List<String> finalizers) {
    Trace trace = new Trace();
    trace.setMetadata(
        new ObjectMetaBuilder()
            .withName("exec")
            .withNamespace("gadget")
            .withResourceVersion("42")
            .withAnnotations(annotations)
            .withFinalizers(finalizers)
            .build());
    return trace;
  }

  @Test
  void takingAnOperationTestsItsValueBeforeRemovingIt() {
    Trace trace = trace(Map.of(Trace.OPERATION_ANNOTATION, "start"), List.of(Trace.FINALIZER));

    String json =
        TracePatch.of(trace)
            .addFinalizer(Trace.FINALIZER)
            .removeAnnotation(Trace.OPERATION_ANNOTATION)
            .setAnnotation(TakenOperation.ANNOTATION, "start/id-1")
            .toJson();

    assertThat(json)
        .isEqualTo(
            "[{\"op\":\"test\",\"path\":\"/metadata/annotations/gadget.kinvolk.io~1operation\","
                + "\"value\":\"start\"},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/annotations/gadget.kinvolk.io~1operation\"},"
                + "{\"op\":\"add\",\"path\":\"/metadata/annotations/gadgetflow.io~1operation-taken\","
                + "\"value\":\"start/id-1\"}]");
  }

  @Test
  void replacingAnAnnotationTestsTheValueSeen() {
    Trace trace = trace(Map.of(TakenOperation.ANNOTATION, "start/id-1"), List.of());

    String json =
        TracePatch.of(trace).setAnnotation(TakenOperation.ANNOTATION, "stop/id-2").toJson();

    assertThat(json)
        .isEqualTo(
            "[{\"op\":\"test\",\"path\":\"/metadata/annotations/gadgetflow.io~1operation-taken\","
                + "\"value\":\"start/id-1\"},"
                + "{\"op\":\"add\",\"path\":\"/metadata/annotations/gadgetflow.io~1operation-taken\","
                + "\"value\":\"stop/id-2\"}]");
  }

  @Test
  void aFirstFinalizerIsOnlyAddedToTheVersionSeen() {
    String json = TracePatch.of(trace(null, null)).addFinalizer(Trace.FINALIZER).toJson();

    assertThat(json)
        .isEqualTo(
            "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"},"
                + "{\"op\":\"add\",\"path\":\"/metadata/finalizers\","
                + "\"value\":[\"gadget.kinvolk.io/finalizer\"]}]");
  }

  @Test
  void anotherFinalizerIsAppended() {
    String json =
        TracePatch.of(trace(null, List.of("other"))).addFinalizer(Trace.FINALIZER).toJson();

    assertThat(json)
        .isEqualTo(
            "[{\"op\":\"add\",\"path\":\"/metadata/finalizers/-\","
                + "\"value\":\"gadget.kinvolk.io/finalizer\"}]");
  }

  @Test
  void presentFinalizerNeedsNoPatch() {
    assertThat(
            TracePatch.of(trace(null, List.of(Trace.FINALIZER)))
                .addFinalizer(Trace.FINALIZER)
                .isEmpty())
        .isTrue();
  }

  @Test
  void removingTheFinalizerTestsItsPosition() {
    String json =
        TracePatch.of(trace(null, List.of("other", Trace.FINALIZER)))
            .removeFinalizer(Trace.FINALIZER)
            .toJson();

    assertThat(json)
        .isEqualTo(
            "[{\"op\":\"test\",\"path\":\"/metadata/finalizers/1\","
                + "\"value\":\"gadget.kinvolk.io/finalizer\"},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/finalizers/1\"}]");
  }

  @Test
  void firstAnnotationCreatesTheMap() {
    String json = TracePatch.of(trace(null, null)).setAnnotation("a/b", "v").toJson();

    assertThat(json)
        .isEqualTo(
            "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"a/b\":\"v\"}}]");
  }
}
