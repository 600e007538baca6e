package io.gadgetflow.faults;

import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.local.kafka.KafkaCluster;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * Faults of the node agent: the agent, a program of its own ({@link AgentProcess}) streaming
 * numbered events into one Trace, killed with SIGKILL and started again, which must run the Trace
 * again from the control topic with no operation sent to it, and say the gap in a warning event.
 */
public final class AgentFaults {
  private static final String NODE = "faults-agent";

  /**
   * The first number of the restarted agent's events, apart from those of the killed one: more than
   * it emits in any run of the suite.
   */
  private static final int RESTARTED_FIRST = 10_000_000;

  private AgentFaults() {}

  /**
   * What {@link #agentRestart} measured: the restarted agent's figures (what the killed agent still
   * held in memory died with it and is not counted), how many of the killed agent's events arrived,
   * and how many warnings said that the trace runs again after a gap.
   */
  public record AgentRestart(
      FaultFigures figures, long deliveredBeforeKill, long resumedWarnings) {}

  /**
   * One broker; the agent streams for {@code pace.steady()}, is killed with SIGKILL, stays down for
   * {@code pace.down()}, then a new agent starts on the same node name and streams for {@code
   * pace.after()} once its first event arrived.
   */
  public static AgentRestart agentRestart(FaultPace pace, Path scratch) throws Exception {
    TopicNames topics = TopicNames.DEFAULTS;
    try (KafkaCluster cluster = FaultSteps.startCluster(scratch, 1)) {
      String bootstrap = cluster.bootstrapServers();
      String uid = UUID.randomUUID().toString();
      try (DeliveredEvents delivered = new DeliveredEvents(bootstrap, topics.events(), uid);
          PublishedOperations operations =
              new PublishedOperations(bootstrap, topics.control(), topics.status(), NODE)) {
        long deliveredBeforeKill;
        String stoppedBefore;
        String stoppedWhileDown;
        String stoppedAfter;
        try (AgentProcess killed = start(bootstrap, pace, 0, scratch.resolve("agent-1.log"))) {
          operations.start(uid, "execsnoop", OutputMode.STREAM, null);
          stoppedBefore = operations.startProfile();
          stoppedWhileDown = operations.startProfile();
          stoppedAfter = operations.startProfile();
          FaultSteps.awaitCondition(
              () -> delivered.delivered() > 0, FaultSteps.START_TIMEOUT, "no event arrived");
          operations.stop(stoppedBefore);
          // The killed agent answered each before the kill: a restarted agent's answers are
          // repeats.
          operations.awaitAnswered(FaultSteps.START_TIMEOUT);
          FaultSteps.sleep(pace.steady());
          killed.kill();
          deliveredBeforeKill = delivered.deliveredBetween(0, RESTARTED_FIRST);
        }
        operations.stop(stoppedWhileDown);
        String startedWhileDown = operations.startProfile();
        FaultSteps.sleep(pace.down());
        long faultEnd = System.currentTimeMillis();
        try (AgentProcess restarted =
            start(bootstrap, pace, RESTARTED_FIRST, scratch.resolve("agent-2.log"))) {
          delivered.awaitRecoveryAfter(faultEnd);
          FaultSteps.awaitCondition(
              () -> delivered.recoveredAtMillis() >= 0, FaultSteps.RECOVERY_TIMEOUT, null);
          operations.stop(stoppedAfter);
          operations.stop(startedWhileDown);
          FaultSteps.sleep(pace.after());
          // Events before the restarted agent's first delivered one came before the trace joined.
          long produced =
              restarted.stopEvents(FaultSteps.START_TIMEOUT)
                  - (delivered.firstFrom(RESTARTED_FIRST) - RESTARTED_FIRST);
          EventCounters counters =
              FaultSteps.awaitSettled(
                  bootstrap,
                  topics.status(),
                  uid,
                  produced,
                  () -> delivered.deliveredBetween(RESTARTED_FIRST, Integer.MAX_VALUE));
          operations.awaitAnswered(FaultSteps.SETTLE_TIMEOUT);
          FaultFigures figures =
              new FaultFigures(
                      "agent-restart",
                      1,
                      produced,
                      delivered.deliveredBetween(RESTARTED_FIRST, Integer.MAX_VALUE),
                      counters.lost(),
                      delivered.duplicates(),
                      FaultSteps.recovery(delivered, faultEnd))
                  .withOperations(operations.figures(Instant.ofEpochMilli(faultEnd)));
          return new AgentRestart(figures, deliveredBeforeKill, delivered.resumedWarnings());
        }
      }
    }
  }

  private static AgentProcess start(String bootstrap, FaultPace pace, long firstSequence, Path log)
      throws Exception {
    return AgentProcess.start(
        bootstrap, NODE, pace.rate(), firstSequence, log, FaultSteps.START_TIMEOUT);
  }
}
