package io.gadgetflow.controller.identity;

import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.kafka.NodeRegistration;
import io.gadgetflow.api.kube.AudienceTokenReview;
import io.gadgetflow.api.kube.AudienceTokenReview.Outcome;
import io.gadgetflow.api.log.TraceLog;
import io.gadgetflow.controller.workers.KubernetesCalls;
import io.gadgetflow.kafka.ContractRecords;
import io.gadgetflow.kafka.ContractRecords.Read;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.RecordFault;
import io.gadgetflow.kafka.SkippedRecords;
import io.gadgetflow.kafka.TopicFollower;
import io.gadgetflow.kafka.TopicStart;
import io.gadgetflow.kafka.identity.NodeKey;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the registration topic from its beginning and trusts a node's key once the API server
 * vouches for the token sent with it: authenticated for the node agents' audience, as the node
 * agents' service account, from a pod bound to the node the registration names (the token's {@code
 * authentication.kubernetes.io/node-name}). Every replica follows it, so a standby that takes over
 * knows the keys already. Registrations are reviewed one at a time, in the topic's order, so that
 * the last of a node wins; one of a key already trusted for its node is not reviewed again. A
 * registration refused is counted ({@code onRefused} with the reason) and logged, and changes
 * nothing.
 */
public final class NodeRegistrations implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistrations.class);

  /** The extra field of a TokenReview that names the node a pod-bound token's pod runs on. */
  static final String NODE_NAME_EXTRA = "authentication.kubernetes.io/node-name";

  private static final String THREAD_NAME = "gadgetflow-node-registrations";

  private final KubernetesClient client;
  private final KubernetesCalls calls;
  private final NodeTrust trust;
  private final TrustedNodeKeys keys;
  private final Consumer<String> onRefused;
  private final SkippedRecords skipped;
  private final Context context;
  private TopicFollower follower;
  private Future<Void> last = Future.succeededFuture();

  private NodeRegistrations(
      KubernetesClient client,
      KubernetesCalls calls,
      NodeTrust trust,
      TrustedNodeKeys keys,
      Consumer<String> onRefused,
      SkippedRecords skipped,
      Context context) {
    this.client = client;
    this.calls = calls;
    this.trust = trust;
    this.keys = keys;
    this.onRefused = onRefused;
    this.skipped = skipped;
    this.context = context;
  }

  /**
   * Starts following {@code topic}; reviews run as {@code calls}, keys are trusted on {@code
   * context}; {@code supervision} is told when the follower dies, since no new node's reports would
   * be trusted any more.
   */
  public static NodeRegistrations start(
      KafkaClients kafka,
      String topic,
      String identity,
      KubernetesClient client,
      KubernetesCalls calls,
      NodeTrust trust,
      TrustedNodeKeys keys,
      Consumer<String> onRefused,
      SkippedRecords skipped,
      Supervision supervision,
      Context context) {
    NodeRegistrations registrations =
        new NodeRegistrations(client, calls, trust, keys, onRefused, skipped, context);
    registrations.follower =
        TopicFollower.start(
            THREAD_NAME,
            kafka.groupFreeConsumer("gadgetflow-controller-registrations-" + identity),
            List.of(TopicStart.beginning(topic)),
            new TopicFollower.Listener() {
              @Override
              public void onRecords(ConsumerRecords<String, byte[]> records) {
                for (ConsumerRecord<String, byte[]> record : records) {
                  registrations.onRecord(record);
                }
              }

              @Override
              public void onStopped(Throwable cause) {
                supervision.died(THREAD_NAME, cause);
              }
            });
    return registrations;
  }

  /** Follower thread. */
  private void onRecord(ConsumerRecord<String, byte[]> record) {
    String where = SkippedRecords.where(record.topic(), record.partition(), record.offset());
    switch (ContractRecords.nodeRegistration(record.key(), record.value())) {
      case Read.Valid<NodeRegistration>(NodeRegistration registration) ->
          context.runOnContext(v -> last = last.eventually(() -> review(registration)));
      case Read.Skipped<NodeRegistration>(RecordFault fault, String detail) ->
          skipped.skip(where, fault, detail);
    }
  }

  private Future<Void> review(NodeRegistration registration) {
    if (alreadyTrusted(registration)) {
      // An agent registers every minute so that the topic always holds a token a starting
      // controller can review; one that trusts the key already need not ask the API server again.
      return Future.succeededFuture();
    }
    return calls
        .run(
            "review of node " + registration.node() + "'s registration",
            () -> refusal(registration))
        .recover(e -> Future.succeededFuture(new Refusal("review-failed", e.toString())))
        .map(
            refusal -> {
              if (refusal == null) {
                NodeKey key = NodeKey.decode(registration.node(), registration.key());
                keys.trust(key);
                LOG.info(
                    "{}",
                    TraceLog.action("node-key-trusted")
                        .field("node", registration.node())
                        .field("keyId", key.id()));
              } else {
                onRefused.accept(refusal.reason());
                LOG.warn(
                    "{}",
                    TraceLog.action("registration-refused")
                        .field("node", registration.node())
                        .field("reason", refusal.reason())
                        .field("detail", refusal.detail()));
              }
              return null;
            });
  }

  private boolean alreadyTrusted(NodeRegistration registration) {
    try {
      return keys.trusts(NodeKey.decode(registration.node(), registration.key()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Why a registration is not trusted: {@code reason} is the metric's tag. */
  private record Refusal(String reason, String detail) {}

  /** Why {@code registration} must not be trusted, or null. Blocking: asks the API server. */
  private Refusal refusal(NodeRegistration registration) {
    try {
      NodeKey.decode(registration.node(), registration.key());
    } catch (IllegalArgumentException e) {
      return new Refusal("bad-key", e.getMessage());
    }
    Outcome outcome =
        AudienceTokenReview.review(client, registration.token(), trust.tokenAudience());
    if (!(outcome instanceof Outcome.Accepted(UserInfo user))) {
      return new Refusal(
          "token-invalid",
          outcome instanceof Outcome.NotAuthenticated(String error) && error != null
              ? error
              : "not authenticated for audience " + trust.tokenAudience());
    }
    if (!trust.nodeServiceAccount().equals(user.getUsername())) {
      return new Refusal("not-node-agent", "the token is " + user.getUsername() + "'s");
    }
    Map<String, List<String>> extra = user.getExtra();
    List<String> nodes = extra == null ? null : extra.get(NODE_NAME_EXTRA);
    if (nodes == null || !nodes.equals(List.of(registration.node()))) {
      return new Refusal("not-its-node", "the token's pod runs on " + nodes);
    }
    return null;
  }

  @Override
  public void close() {
    follower.close();
  }
}
