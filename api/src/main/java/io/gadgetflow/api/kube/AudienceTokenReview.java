package io.gadgetflow.api.kube;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * Asks the API server who a bearer token belongs to, accepting it only when it was minted for one
 * audience: the web UI's users and the node agents' registrations both prove themselves so.
 */
public final class AudienceTokenReview {
  private AudienceTokenReview() {}

  /** What the API server said of a token. */
  public sealed interface Outcome {
    /** Authenticated for the audience. */
    record Accepted(UserInfo user) implements Outcome {}

    /**
     * The API server did not authenticate it.
     *
     * @param error the API server's reason, or null when it gave none
     */
    record NotAuthenticated(String error) implements Outcome {}

    /**
     * Authenticated, but not for the audience (an authenticator that knows no audiences answers
     * without them: its tokens are not for us either).
     */
    record OtherAudience() implements Outcome {}
  }

  /** Blocking: one TokenReview. */
  public static Outcome review(KubernetesClient client, String token, String audience) {
    TokenReview review =
        client
            .authentication()
            .v1()
            .tokenReviews()
            .create(
                new TokenReviewBuilder()
                    .withNewSpec()
                    .withToken(token)
                    .withAudiences(audience)
                    .endSpec()
                    .build());
    if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
      String error = review.getStatus() == null ? null : review.getStatus().getError();
      return new Outcome.NotAuthenticated(error == null || error.isBlank() ? null : error);
    }
    List<String> audiences = review.getStatus().getAudiences();
    if (audiences == null || !audiences.contains(audience)) {
      return new Outcome.OtherAudience();
    }
    return new Outcome.Accepted(review.getStatus().getUser());
  }
}
