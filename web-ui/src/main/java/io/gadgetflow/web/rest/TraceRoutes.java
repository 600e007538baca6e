package io.gadgetflow.web.rest;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.api.trace.Operation;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.web.access.TraceAccess;
import io.gadgetflow.web.http.ApiException;
import io.gadgetflow.web.kube.TraceStore;
import io.gadgetflow.web.live.NodeDirectory;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * List, create, read, delete Traces and apply operations to them. Traces travel as the API server's
 * JSON, the same objects {@code kubectl get trace -o json} shows.
 */
final class TraceRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(TraceRoutes.class);
  static final String TRACES = "/api/v1/namespaces/:namespace/traces";
  static final String TRACE = TRACES + "/:name";

  private final TraceStore store;
  private final RequestAccess access;
  private final NodeDirectory nodes;
  private final KubernetesSerialization serialization;
  private final RandomGenerator random = RandomGenerator.getDefault();

  TraceRoutes(
      TraceStore store,
      RequestAccess access,
      NodeDirectory nodes,
      KubernetesSerialization serialization) {
    this.store = store;
    this.access = access;
    this.nodes = nodes;
    this.serialization = serialization;
  }

  void mount(Router router) {
    router.get(TRACES).handler(this::list);
    router.post(TRACES).handler(this::create);
    router.get(TRACE).handler(this::get);
    router.get(TRACE + "/status").handler(this::status);
    router.delete(TRACE).handler(this::delete);
    router.post(TRACE + "/operation").handler(this::operate);
  }

  private void list(RoutingContext ctx) {
    String namespace = KubernetesNames.requireNamespace(ctx.pathParam("namespace"));
    access
        .allow(ctx, TraceAccess.onAll(TraceAccess.LIST, namespace))
        .compose(v -> store.list(namespace))
        .onSuccess(traces -> Responses.json(ctx, 200, items(traces)))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    String namespace = KubernetesNames.requireNamespace(ctx.pathParam("namespace"));
    JsonObject body = jsonBody(ctx);
    access
        .allow(ctx, TraceAccess.onAll(TraceAccess.CREATE, namespace))
        .map(v -> NewTraceRequest.traces(namespace, body, nodes.names(), random))
        .compose(this::createAll)
        .onSuccess(
            created -> {
              created.forEach(trace -> log(ctx, TraceLog.about("trace-created", trace)));
              Responses.json(ctx, 201, items(created));
            })
        .onFailure(ctx::fail);
  }

  /** One after another, so a failure says exactly which Traces exist. */
  private Future<List<Trace>> createAll(List<Trace> traces) {
    Future<List<Trace>> created = Future.succeededFuture(new ArrayList<>());
    for (Trace trace : traces) {
      created =
          created.compose(
              done ->
                  store
                      .create(trace)
                      .map(
                          made -> {
                            done.add(made);
                            return done;
                          })
                      .recover(e -> Future.failedFuture(afterPartialCreation(e, done))));
    }
    return created;
  }

  private static Throwable afterPartialCreation(Throwable failure, List<Trace> created) {
    if (created.isEmpty() || !(failure instanceof ApiException refused)) {
      return failure;
    }
    List<String> names = created.stream().map(t -> t.getMetadata().getName()).toList();
    return refused.status() == 409
        ? ApiException.conflict(refused.getMessage() + "; created before it: " + names)
        : failure;
  }

  private void get(RoutingContext ctx) {
    String namespace = KubernetesNames.requireNamespace(ctx.pathParam("namespace"));
    String name = KubernetesNames.requireTraceName(ctx.pathParam("name"));
    access
        .allow(ctx, TraceAccess.onOne(TraceAccess.GET, namespace, name))
        .compose(v -> store.get(namespace, name))
        .onSuccess(trace -> Responses.json(ctx, 200, serialization.asJson(trace)))
        .onFailure(ctx::fail);
  }

  private void status(RoutingContext ctx) {
    String namespace = KubernetesNames.requireNamespace(ctx.pathParam("namespace"));
    String name = KubernetesNames.requireTraceName(ctx.pathParam("name"));
    access
        .allow(ctx, TraceAccess.onOne(TraceAccess.GET, namespace, name))
        .compose(v -> store.get(namespace, name))
        .onSuccess(
            trace ->
                Responses.json(
                    ctx,
                    200,
                    trace.getStatus() == null ? "{}" : serialization.asJson(trace.getStatus())))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    String namespace = KubernetesNames.requireNamespace(ctx.pathParam("namespace"));
    String name = KubernetesNames.requireTraceName(ctx.pathParam("name"));
    access
        .allow(ctx, TraceAccess.onOne(TraceAccess.DELETE, namespace, name))
        .compose(v -> store.delete(namespace, name))
        .onSuccess(
            v -> {
              log(ctx, TraceLog.action("trace-deleted").trace(namespace, name, null));
              Responses.json(
                  ctx,
                  202,
                  new JsonObject()
                      .put("name", name)
                      .put("message", "Deleting: the controller stops the gadget first")
                      .encode());
            })
        .onFailure(ctx::fail);
  }

  private void operate(RoutingContext ctx) {
    String namespace = KubernetesNames.requireNamespace(ctx.pathParam("namespace"));
    String name = KubernetesNames.requireTraceName(ctx.pathParam("name"));
    JsonObject body = jsonBody(ctx);
    access
        .allow(ctx, TraceAccess.onOne(TraceAccess.PATCH, namespace, name))
        .compose(v -> store.get(namespace, name))
        .map(trace -> operation(body, trace))
        .compose(operation -> store.requestOperation(namespace, name, operation))
        .onSuccess(
            trace -> {
              log(
                  ctx,
                  TraceLog.about("operation-requested", trace)
                      .field(
                          "operation",
                          trace.getMetadata().getAnnotations().get(Trace.OPERATION_ANNOTATION)));
              Responses.json(ctx, 202, serialization.asJson(trace));
            })
        .onFailure(ctx::fail);
  }

  /** One line per change a user makes, naming who made it. */
  private static void log(RoutingContext ctx, TraceLog line) {
    LOG.info("{}", line.field("user", RequestAccess.caller(ctx).username()));
  }

  private static Operation operation(JsonObject body, Trace trace) {
    for (String field : body.fieldNames()) {
      if (!field.equals("operation")) {
        throw ApiException.invalid(field, "unknown field; known: operation");
      }
    }
    String gadgetName = trace.getSpec() == null ? null : trace.getSpec().getGadget();
    GadgetDescriptor gadget =
        GadgetCatalog.find(gadgetName)
            .orElseThrow(
                () ->
                    ApiException.invalid(
                        "operation",
                        "the Trace's gadget \"%s\" is unknown, so it has no operations"
                            .formatted(gadgetName)));
    if (body.getValue("operation") == null) {
      throw ApiException.invalid("operation", "required");
    }
    return OperationRequests.parse("operation", body.getValue("operation"), gadget);
  }

  private String items(List<Trace> traces) {
    return serialization.asJson(Map.of("items", traces));
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw ApiException.badRequest("The request body must be a JSON object");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw ApiException.badRequest("The request body must be a JSON object");
    }
  }
}
