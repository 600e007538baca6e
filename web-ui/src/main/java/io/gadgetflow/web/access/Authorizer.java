package io.gadgetflow.web.access;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.kube.CallDeadline;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.web.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks the API server whether a caller may do something to Traces before the web UI does it for
 * them with its own identity: a SubjectAccessReview for a reviewed token, a SelfSubjectAccessReview
 * for the kubeconfig identity of local mode. RBAC, and whatever other authorizer the cluster runs,
 * therefore decides, and the answer reads like the API server's own refusal.
 */
public final class Authorizer {
  static final Duration DECISION_CACHE_TIME = Duration.ofSeconds(10);
  private static final int DECISION_CACHE_ENTRIES = 10_000;

  private record Question(Caller caller, TraceAccess access) {}

  private final KubernetesClient client;
  private final WorkerExecutor workers;
  private final CallDeadline deadline;
  private final ExpiringCache<Question, Boolean> decided;

  public Authorizer(
      KubernetesClient client, WorkerExecutor workers, CallDeadline deadline, Clock clock) {
    this.client = client;
    this.workers = workers;
    this.deadline = deadline;
    this.decided = new ExpiringCache<>(DECISION_CACHE_TIME, DECISION_CACHE_ENTRIES, clock);
  }

  /**
   * @return a succeeded future when allowed, else a failed one with a 403 {@link ApiException}
   */
  public Future<Void> authorize(Caller caller, TraceAccess access) {
    Question question = new Question(caller, access);
    Optional<Boolean> cached = decided.get(question);
    Future<Boolean> allowed =
        cached
            .map(Future::succeededFuture)
            .orElseGet(
                () ->
                    workers
                        .executeBlocking(
                            deadline.bounded("access review", () -> ask(question)), false)
                        .onSuccess(answer -> decided.put(question, answer)));
    return allowed.compose(
        yes -> yes ? Future.succeededFuture() : Future.failedFuture(refusal(caller, access)));
  }

  private boolean ask(Question question) {
    ResourceAttributes attributes = attributes(question.access());
    Caller caller = question.caller();
    SubjectAccessReviewStatus status =
        caller.viaKubeconfig()
            ? client
                .authorization()
                .v1()
                .selfSubjectAccessReview()
                .create(
                    new SelfSubjectAccessReviewBuilder()
                        .withNewSpec()
                        .withResourceAttributes(attributes)
                        .endSpec()
                        .build())
                .getStatus()
            : client
                .authorization()
                .v1()
                .subjectAccessReview()
                .create(
                    new SubjectAccessReviewBuilder()
                        .withNewSpec()
                        .withUser(caller.username())
                        .withUid(caller.uid())
                        .withGroups(caller.groups())
                        .withExtra(caller.extra())
                        .withResourceAttributes(attributes)
                        .endSpec()
                        .build())
                .getStatus();
    return status != null && Boolean.TRUE.equals(status.getAllowed());
  }

  private static ResourceAttributes attributes(TraceAccess access) {
    return new ResourceAttributesBuilder()
        .withGroup(Trace.GROUP)
        .withResource(Trace.PLURAL)
        .withVerb(access.verb())
        .withNamespace(access.namespace())
        .withName(access.name())
        .build();
  }

  /** Worded like the API server's own refusal, which Kubernetes users know how to read. */
  private static ApiException refusal(Caller caller, TraceAccess access) {
    String what = access.name() == null ? "" : " \"" + access.name() + "\"";
    return ApiException.forbidden(
        "%s%s is forbidden: User \"%s\" cannot %s resource \"%s\" in API group \"%s\" in the namespace \"%s\""
            .formatted(
                Trace.CRD_NAME,
                what,
                caller.username(),
                access.verb(),
                Trace.PLURAL,
                Trace.GROUP,
                access.namespace()));
  }
}
