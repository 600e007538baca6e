package io.gadgetflow.web.access;

import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.kube.AudienceTokenReview;
import io.gadgetflow.api.kube.AudienceTokenReview.Outcome;
import io.gadgetflow.api.kube.CallDeadline;
import io.gadgetflow.web.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells who sent a request. In a cluster, the request's bearer token is reviewed by the API server
 * (TokenReview), exactly as the API server would review it itself, for the web UI's own audience: a
 * token minted for the API server or another service is refused, so that none the web UI sees is
 * worth anything elsewhere (and none meant elsewhere is accepted here). In local mode the only
 * accepted token is the launch token, and its bearer acts as the server's kubeconfig identity.
 */
public final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  static final Duration REVIEW_CACHE_TIME = Duration.ofSeconds(10);
  private static final int REVIEW_CACHE_ENTRIES = 10_000;

  private final KubernetesClient client;
  private final WorkerExecutor workers;
  private final CallDeadline deadline;
  private final LocalToken localToken;
  private final String audience;
  private final Caller localCaller;
  private final ExpiringCache<String, Caller> reviewed;

  private Authenticator(
      KubernetesClient client,
      WorkerExecutor workers,
      CallDeadline deadline,
      LocalToken localToken,
      String audience,
      Caller localCaller,
      Clock clock) {
    this.client = client;
    this.workers = workers;
    this.deadline = deadline;
    this.localToken = localToken;
    this.audience = audience;
    this.localCaller = localCaller;
    this.reviewed = new ExpiringCache<>(REVIEW_CACHE_TIME, REVIEW_CACHE_ENTRIES, clock);
  }

  /**
   * Reviews every token with the API server, for {@code audience}; {@code client} may create
   * TokenReviews.
   */
  public static Authenticator forCluster(
      KubernetesClient client,
      WorkerExecutor workers,
      CallDeadline deadline,
      String audience,
      Clock clock) {
    return new Authenticator(client, workers, deadline, null, audience, null, clock);
  }

  /**
   * Accepts only {@code token}, as the identity of {@code client}'s kubeconfig, which it asks the
   * API server for (SelfSubjectReview) so that the dashboard can say who the user acts as.
   */
  public static Future<Authenticator> forLocal(
      KubernetesClient client,
      WorkerExecutor workers,
      CallDeadline deadline,
      LocalToken token,
      Clock clock) {
    return workers
        .executeBlocking(() -> kubeconfigIdentity(client, deadline), false)
        .map(caller -> new Authenticator(client, workers, deadline, token, null, caller, clock));
  }

  public boolean isLocal() {
    return localToken != null;
  }

  /**
   * @return the caller, or a failed future with a 401 {@link ApiException}
   */
  public Future<Caller> authenticate(Optional<String> token) {
    if (token.isEmpty()) {
      return Future.failedFuture(
          ApiException.unauthenticated(
              isLocal()
                  ? "Missing token: open the dashboard URL that gadgetflow printed"
                  : "Missing bearer token: send Authorization: Bearer <Kubernetes token>"));
    }
    if (isLocal()) {
      return localToken.matches(token.get())
          ? Future.succeededFuture(localCaller)
          : Future.failedFuture(
              ApiException.unauthenticated(
                  "Invalid token: open the dashboard URL that gadgetflow printed when it started"));
    }
    String key = fingerprint(token.get());
    Optional<Caller> cached = reviewed.get(key);
    if (cached.isPresent()) {
      return Future.succeededFuture(cached.get());
    }
    return workers
        .executeBlocking(deadline.bounded("review of a token", () -> review(token.get())), false)
        .map(
            caller -> {
              reviewed.put(key, caller);
              return caller;
            });
  }

  private Caller review(String token) {
    return switch (AudienceTokenReview.review(client, token, audience)) {
      case Outcome.Accepted(UserInfo user) ->
          new Caller(user.getUsername(), user.getUid(), user.getGroups(), user.getExtra(), false);
      case Outcome.NotAuthenticated(String error) ->
          throw ApiException.unauthenticated(
              "Invalid token: the Kubernetes API server did not accept it for audience \"%s\"%s"
                  .formatted(audience, error == null ? "" : " (" + error + ")"));
      case Outcome.OtherAudience() ->
          throw ApiException.unauthenticated(
              "Invalid token: it was not minted for audience \"%s\" (kubectl create token NAME"
                      .formatted(audience)
                  + " --audience "
                  + audience
                  + ")");
    };
  }

  private static Caller kubeconfigIdentity(KubernetesClient client, CallDeadline deadline) {
    try {
      SelfSubjectReview review =
          deadline
              .bounded(
                  "review of the kubeconfig's identity",
                  () ->
                      client
                          .authentication()
                          .v1()
                          .selfSubjectReviews()
                          .create(new SelfSubjectReview()))
              .call();
      UserInfo user = review.getStatus().getUserInfo();
      return Caller.kubeconfigIdentity(user.getUsername(), user.getGroups());
    } catch (Exception e) {
      LOG.warn("Cannot ask the API server who the kubeconfig's user is: {}", e.toString());
      return Caller.kubeconfigIdentity("the kubeconfig's user", List.of());
    }
  }

  private static String fingerprint(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
