package io.gadgetflow.bench.fleet;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** What Kafka consumers of this JVM fetched, by their own metrics (JMX). */
final class ConsumerBytes {
  private ConsumerBytes() {}

  /**
   * bytes-consumed-total (records and headers) by topic, summed over the consumers whose client id
   * matches {@code clientIds} (a JMX pattern: {@code *} for any characters).
   */
  static Map<String, Double> byTopic(String clientIds) {
    return sumByTopic(clientIds, "bytes-consumed-total");
  }

  /** records-consumed-total by topic, summed as {@link #byTopic} sums bytes. */
  static Map<String, Double> recordsByTopic(String clientIds) {
    return sumByTopic(clientIds, "records-consumed-total");
  }

  private static Map<String, Double> sumByTopic(String clientIds, String metric) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Map<String, Double> byTopic = new TreeMap<>();
    try {
      for (ObjectName name :
          server.queryNames(
              new ObjectName(
                  "kafka.consumer:type=consumer-fetch-manager-metrics,client-id="
                      + clientIds
                      + ",topic=*"),
              null)) {
        String topic = name.getKeyProperty("topic");
        if (!topic.contains(".")) {
          // Kafka registers each topic's meters a second time with its dots as underscores.
          continue;
        }
        byTopic.merge(topic, (Double) server.getAttribute(name, metric), Double::sum);
      }
    } catch (JMException e) {
      throw new IllegalStateException("cannot read the Kafka consumers' metrics", e);
    }
    return byTopic;
  }
}
