package io.gadgetflow.node.containers;

import java.util.HashSet;
import java.util.Set;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trace's filter kept in step with the containers of the node: the mount namespaces of the
 * matching containers are selected in the gadget's BPF filter map as containers are found, and
 * deselected as they stop. Driven by its {@link ContainerRegistry}, under the registry's lock.
 */
public final class ContainerSelection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerSelection.class);

  private final ContainerRegistry registry;
  private final ContainerFilter filter;
  private final LongConsumer select;
  private final LongConsumer deselect;
  private final Set<Long> selected = new HashSet<>();

  ContainerSelection(
      ContainerRegistry registry,
      ContainerFilter filter,
      LongConsumer select,
      LongConsumer deselect) {
    this.registry = registry;
    this.filter = filter;
    this.select = select;
    this.deselect = deselect;
  }

  /** A container was found, or its pod changed (e.g. its labels). */
  void consider(Container container) {
    long id = container.mountNamespaceId();
    if (container.located() && filter.matches(container)) {
      if (selected.add(id)) {
        apply(select, id, container);
      }
    } else {
      removed(container);
    }
  }

  void removed(Container container) {
    if (selected.remove(container.mountNamespaceId())) {
      apply(deselect, container.mountNamespaceId(), container);
    }
  }

  /** The mount namespaces selected now. */
  public Set<Long> selected() {
    synchronized (registry) {
      return Set.copyOf(selected);
    }
  }

  /**
   * Stops following containers and withdraws what it selected, which other traces sharing the
   * gadget may still select; call before the gadget's filter map is closed.
   */
  @Override
  public void close() {
    synchronized (registry) {
      registry.unfollow(this);
      for (long id : selected) {
        try {
          deselect.accept(id);
        } catch (RuntimeException e) {
          LOG.warn("Cannot deselect mount namespace {}: {}", id, e.toString());
        }
      }
      selected.clear();
    }
  }

  private static void apply(LongConsumer change, long id, Container container) {
    try {
      change.accept(id);
    } catch (RuntimeException e) {
      // E.g. a full map: the trace then misses this container, which the log must say.
      LOG.warn(
          "Cannot update the mount namespace filter for container {} of pod {}/{}: {}",
          container.name(),
          container.namespace(),
          container.pod(),
          e.toString());
    }
  }
}
