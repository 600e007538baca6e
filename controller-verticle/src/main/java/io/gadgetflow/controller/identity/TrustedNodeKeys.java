package io.gadgetflow.controller.identity;

import io.gadgetflow.kafka.identity.NodeKey;
import io.gadgetflow.kafka.identity.NodeKeyFiles;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The key each node's status records must be signed with, as far as the controller knows: read from
 * the trusted key directory, or learned from a reviewed registration. A record signed with a key
 * the controller does not know yet may come just before that key's registration is reviewed (a node
 * agent registers, then answers at once): it waits for it, up to {@link #REGISTRATION_WAIT}, and at
 * most {@link #MOST_WAITING} records wait at a time.
 *
 * <p>Used on the controller verticle's context only: the report consumer and the registration
 * reviews both complete there.
 */
public final class TrustedNodeKeys {
  static final Duration REGISTRATION_WAIT = Duration.ofSeconds(10);
  static final int MOST_WAITING = 1024;

  private final Vertx vertx;
  private final NodeTrust trust;
  private final Map<String, NodeKey> keys = new ConcurrentHashMap<>();
  private final Map<String, List<Promise<Optional<NodeKey>>>> waiting = new HashMap<>();
  private int waitingCount;

  public TrustedNodeKeys(Vertx vertx, NodeTrust trust) {
    this.vertx = vertx;
    this.trust = trust;
  }

  /**
   * The key of {@code node} whose id is {@code keyId}, or empty when the controller does not trust
   * one, after looking in the key directory and waiting for a registration.
   */
  public Future<Optional<NodeKey>> find(String node, String keyId) {
    NodeKey known = keys.get(node);
    if (known != null && known.id().equals(keyId)) {
      return Future.succeededFuture(Optional.of(known));
    }
    Future<Optional<NodeKey>> fromDirectory =
        trust.keyDirectory() == null
            ? Future.succeededFuture(Optional.empty())
            : vertx
                .executeBlocking(() -> NodeKeyFiles.load(trust.keyDirectory(), node), false)
                // A name that cannot be a file's (the writer chose it) has no key there.
                .otherwise(Optional.empty());
    return fromDirectory.compose(
        key -> {
          if (key.isPresent() && key.get().id().equals(keyId)) {
            trust(key.get());
            return Future.succeededFuture(key);
          }
          return trust.readsRegistrations()
              ? awaitRegistration(node, keyId)
              : Future.succeededFuture(Optional.empty());
        });
  }

  /** Whether {@code key} is already the one its node is trusted to sign with. */
  public boolean trusts(NodeKey key) {
    NodeKey known = keys.get(key.node());
    return known != null && known.id().equals(key.id());
  }

  /** From now on {@code key} is the one its node signs with; any record waiting for it goes on. */
  public void trust(NodeKey key) {
    keys.put(key.node(), key);
    List<Promise<Optional<NodeKey>>> waiters = waiting.remove(waitKey(key.node(), key.id()));
    if (waiters != null) {
      waitingCount -= waiters.size();
      waiters.forEach(waiter -> waiter.tryComplete(Optional.of(key)));
    }
  }

  private Future<Optional<NodeKey>> awaitRegistration(String node, String keyId) {
    if (waitingCount >= MOST_WAITING) {
      return Future.succeededFuture(Optional.empty());
    }
    Promise<Optional<NodeKey>> waiter = Promise.promise();
    String waitKey = waitKey(node, keyId);
    waiting.computeIfAbsent(waitKey, k -> new ArrayList<>()).add(waiter);
    waitingCount++;
    vertx.setTimer(
        REGISTRATION_WAIT.toMillis(),
        id -> {
          List<Promise<Optional<NodeKey>>> waiters = waiting.get(waitKey);
          if (waiters != null && waiters.remove(waiter)) {
            waitingCount--;
            if (waiters.isEmpty()) {
              waiting.remove(waitKey);
            }
            waiter.tryComplete(Optional.empty());
          }
        });
    return waiter.future();
  }

  private static String waitKey(String node, String keyId) {
    return node + "\n" + keyId;
  }
}
