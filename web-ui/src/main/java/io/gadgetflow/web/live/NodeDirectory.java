package io.gadgetflow.web.live;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The nodes known to run a GadgetFlow agent: those that reported on the status topic within the
 * window, and those the configuration names (the local node of {@code gadgetflow up}). Used from
 * the web UI's event loop only.
 */
public final class NodeDirectory {
  /**
   * @param lastReport when the node's agent last wrote a report, or null if it has not in the
   *     window
   * @param configured whether the configuration names this node
   */
  public record AgentNode(String name, Instant lastReport, boolean configured) {}

  private final Set<String> configured;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Instant> lastReports = new HashMap<>();

  public NodeDirectory(List<String> configured, Duration window, Clock clock) {
    this.configured = new TreeSet<>(configured);
    this.window = window;
    this.clock = clock;
  }

  void reported(String node, Instant at) {
    lastReports.merge(node, at, (old, current) -> current.isAfter(old) ? current : old);
  }

  /** Every known node, by name. */
  public List<AgentNode> nodes() {
    Instant since = clock.instant().minus(window);
    Set<String> names = new TreeSet<>(configured);
    lastReports.forEach(
        (node, at) -> {
          if (at.isAfter(since)) {
            names.add(node);
          }
        });
    List<AgentNode> nodes = new ArrayList<>();
    for (String name : names) {
      Instant last = lastReports.get(name);
      nodes.add(
          new AgentNode(
              name, last != null && last.isAfter(since) ? last : null, configured.contains(name)));
    }
    nodes.sort(Comparator.comparing(AgentNode::name));
    return nodes;
  }

  public List<String> names() {
    return nodes().stream().map(AgentNode::name).toList();
  }
}
