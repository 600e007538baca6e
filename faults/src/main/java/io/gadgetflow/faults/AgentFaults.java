package io.gadgetflow.faults;

import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.controller.leader.LeaderElection;
import java.nio.file.Path;
import java.util.List;

/**
 * Faults of the node agent: the agent, a program of its own ({@link AgentProcess}), killed with
 * SIGKILL and started again while the real controller drives Traces of every output mode ({@link
 * OperationsAround}). The new agent must run its Traces again from the control topic alone, say the
 * gap in a warning event, and answer the operations handed over while no agent ran.
 */
public final class AgentFaults {
  private AgentFaults() {}

  /**
   * What {@link #agentRestart} measured: the restarted agent's figures (what the killed agent still
   * held in memory died with it and is not counted), how many of the killed agent's events arrived,
   * and how many warnings on the Stream Trace said that it runs again after a gap.
   */
  public record AgentRestart(PlatformFault fault, long deliveredBeforeKill, long resumedWarnings) {}

  /**
   * One broker; once the operations annotated before the fault are answered (a Status Trace's stop
   * with its report, an ExternalResource Trace's generate with its profile), the agent is killed, a
   * stop of another Status Trace and a generate of another ExternalResource Trace are annotated
   * while it is down ({@code pace.down()}), then a new agent starts on the same node name. By
   * design the Status Trace stopped while no agent ran says that its report was lost, and the
   * ExternalResource Trace that no output was generated (the new agent cannot tell whether the
   * killed one ran the generate; generating from its gadget just started would make a profile of
   * almost nothing). Recovery: from starting the new agent.
   */
  public static AgentRestart agentRestart(FaultPace pace, Path scratch) throws Exception {
    long[] deliveredBeforeKill = {0};
    DeliveredEvents[] stream = {null};
    PlatformFault fault =
        OperationsAround.run(
            "agent-restart",
            pace,
            scratch,
            FaultPlatform.Shape.AGENT_PROCESS,
            LeaderElection.Timing.DEFAULT,
            List.of("replica-1"),
            new OperationsAround.Strike() {
              @Override
              public long strike(FaultPlatform platform, DeliveredEvents delivered, Runnable during)
                  throws Exception {
                // The killed agent answered these: a restarted agent's answers are repeats.
                platform.ledger.await(
                    "the operations before the kill answered",
                    () ->
                        platform.stateOf("status-0") == TraceState.COMPLETED
                            && platform.stateOf("external-0") == TraceState.STARTED
                            && platform.profile("external-0") != null);
                stream[0] = delivered;
                deliveredBeforeKill[0] = delivered.delivered();
                platform.killAgent();
                during.run();
                FaultSteps.sleep(pace.down());
                long restartedAt = System.nanoTime();
                delivered.awaitRecoveryAfter(System.currentTimeMillis());
                platform.startAgent(FaultPlatform.RESTARTED_FIRST);
                return restartedAt;
              }

              @Override
              public boolean stopsEvents() {
                return true;
              }

              @Override
              public String fileRecovery() {
                return "n/a (the agent's, above)";
              }

              @Override
              public List<String> resultsLostWithTheAgent() {
                return List.of("status-1", "external-1");
              }
            });
    return new AgentRestart(fault, deliveredBeforeKill[0], stream[0].resumedWarnings());
  }
}
