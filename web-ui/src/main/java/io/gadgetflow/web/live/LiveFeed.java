package io.gadgetflow.web.live;

import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.TopicFollower;
import io.gadgetflow.kafka.TopicStart;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Kafka consumer of a web UI instance, however many browsers watch. It follows the
 * partitions of the events topic that the watched traces' events are in, each from its end, while a
 * socket watches one of their traces ({@link #watch}), and publishes each event on the local event
 * bus under its trace's address, where only the sockets showing that trace listen; and it reads the
 * status topic from the node window's start to learn which nodes run an agent. What an instance
 * reads of the events topic thus follows what its users watch, not the fleet's events
 * (docs/scale.md). It runs on a thread of its own, without a consumer group (every instance needs
 * the events its users watch), and hands each poll's records to the web UI's context at once.
 */
public final class LiveFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final String THREAD_NAME = "gadgetflow-web-live-feed";

  private final String eventsTopic;
  private final Context context;
  private final EventBus bus;
  private final NodeDirectory nodes;
  private final Supervision supervision;
  private final Promise<Void> positioned = Promise.promise();
  private final FeedRecords feedRecords = new FeedRecords(LOG::warn);
  private TopicFollower follower;

  private LiveFeed(
      String eventsTopic, Context context, NodeDirectory nodes, Supervision supervision) {
    this.eventsTopic = eventsTopic;
    this.context = context;
    this.bus = context.owner().eventBus();
    this.nodes = nodes;
    this.supervision = supervision;
  }

  /**
   * @param nodeWindow how far back the status topic is read for nodes that run an agent
   * @param context where events are published and {@code nodes} is updated: the web UI's
   * @param registry where the records the feed skipped are counted
   * @param supervision told when the feed dies: every socket would stream nothing any more
   */
  public static LiveFeed start(
      KafkaClients kafka,
      TopicNames topics,
      Duration nodeWindow,
      Context context,
      NodeDirectory nodes,
      Clock clock,
      MeterRegistry registry,
      Supervision supervision) {
    LiveFeed feed = new LiveFeed(topics.events(), context, nodes, supervision);
    feed.feedRecords.bindTo(registry);
    feed.follower =
        TopicFollower.start(
            THREAD_NAME,
            kafka.groupFreeConsumer("gadgetflow-web-live"),
            List.of(TopicStart.since(topics.status(), () -> clock.instant().minus(nodeWindow))),
            feed.new Delivery());
    return feed;
  }

  /** Completes once the feed follows the status topic. */
  public Future<Void> positioned() {
    return positioned.future();
  }

  /**
   * Follows the partition of the trace's events (its uid is their key) from its end, until as many
   * {@link #unwatch} calls; completes on the feed's context once every event of the trace written
   * afterwards reaches the sockets watching it.
   */
  public Future<Void> watch(String traceUid) {
    return Future.fromCompletionStage(follower.followKey(eventsTopic, traceUid), context)
        .mapEmpty();
  }

  /** Withdraws one {@link #watch} of the trace. */
  public void unwatch(String traceUid) {
    follower.unfollowKey(eventsTopic, traceUid);
  }

  /** Runs on the follower's thread; hands each poll's events and sightings over at once. */
  private final class Delivery implements TopicFollower.Listener {
    @Override
    public void onPositioned() {
      context.runOnContext(v -> positioned.tryComplete());
    }

    @Override
    public void onStopped(Throwable cause) {
      supervision.died(THREAD_NAME, cause);
    }

    @Override
    public void onRecords(ConsumerRecords<String, byte[]> records) {
      List<LiveEvent> liveEvents = new ArrayList<>();
      List<FeedRecords.NodeSighting> sightings = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> record : records) {
        if (record.topic().equals(eventsTopic)) {
          feedRecords.toLiveEvent(record, liveEvents);
        } else {
          feedRecords.toSighting(record, sightings);
        }
      }
      if (!liveEvents.isEmpty() || !sightings.isEmpty()) {
        context.runOnContext(v -> deliver(liveEvents, sightings));
      }
    }
  }

  private void deliver(List<LiveEvent> liveEvents, List<FeedRecords.NodeSighting> sightings) {
    for (LiveEvent event : liveEvents) {
      bus.publish(LiveEvent.address(event.traceUid()), event, LOCAL);
    }
    for (FeedRecords.NodeSighting sighting : sightings) {
      nodes.reported(sighting.node(), sighting.at());
    }
  }

  @Override
  public void close() {
    follower.close();
    long skipped = feedRecords.skipped();
    if (skipped > 0) {
      LOG.warn("Skipped {} records in all", skipped);
    }
  }
}
