package io.gadgetflow.faults;

import io.gadgetflow.node.NodeConfig;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A node agent whose gadgets emit {@link NumberedEvents}, as a program of its own, so that a fault
 * can kill it with SIGKILL ({@link AgentProcess}). Prints {@code ready} once the agent runs; a line
 * {@code stop} on its standard input stops the events, and it prints {@code emitted N}.
 *
 * <pre>
 *   NumberedAgent BOOTSTRAP NODE RATE FIRST_SEQUENCE
 * </pre>
 *
 * <p>The topics, the key directory and the File output's directory are the agent's own variables
 * ({@code GADGETFLOW_TOPIC_*}, {@code GADGETFLOW_NODE_KEY_DIRECTORY}, {@code
 * GADGETFLOW_FILE_OUTPUT_DIRECTORY}), for a test whose controller uses topics of its own and trusts
 * the node's key, or whose Traces write files.
 */
public final class NumberedAgent {
  private NumberedAgent() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String node = args[1];
    double rate = Double.parseDouble(args[2]);
    long firstSequence = Long.parseLong(args[3]);
    Vertx vertx = Vertx.vertx();
    NumberedEvents events = new NumberedEvents(rate, node, firstSequence);
    NodeConfig environment = NodeConfig.fromEnvironment(System.getenv(), node);
    NodeConfig config = NodeConfig.defaults(node, bootstrap).withTopics(environment.topics());
    if (environment.keyDirectory() != null) {
      config = config.withKeyDirectory(environment.keyDirectory());
    }
    if (System.getenv("GADGETFLOW_FILE_OUTPUT_DIRECTORY") != null) {
      config = config.withFileOutputDirectory(environment.fileOutputDirectory());
    }
    FaultSteps.deployAgent(vertx, config, events);
    System.out.println("ready");
    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String command;
    while ((command = commands.readLine()) != null) {
      if (command.equals("stop")) {
        events.stop();
        System.out.println("emitted " + events.emitted());
      }
    }
    events.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
  }
}
