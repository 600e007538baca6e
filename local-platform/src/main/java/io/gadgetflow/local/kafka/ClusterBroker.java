package io.gadgetflow.local.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * The program of one node of a {@link KafkaCluster}, in a process of its own so that it can be
 * killed like a real broker: runs Kafka's server with the server.properties it is given until the
 * process is told to stop (SIGTERM stops it cleanly, SIGKILL as a crash would).
 */
public final class ClusterBroker {
  private ClusterBroker() {}

  /**
   * @param args the path of the node's server.properties
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ClusterBroker SERVER_PROPERTIES");
      System.exit(2);
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(Path.of(args[0]))) {
      properties.load(reader);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties), Time.SYSTEM);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(
                    () -> {
                      server.shutdown();
                      server.awaitShutdown();
                    }));
    server.startup();
    server.awaitShutdown();
  }
}
