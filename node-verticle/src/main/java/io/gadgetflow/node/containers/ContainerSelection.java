package io.gadgetflow.node.containers;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trace's filter kept in step with the containers of the node: the namespaces of the matching
 * containers (their mount namespaces for most gadgets, their network namespaces for those that
 * watch networks) are selected in the gadget as containers are found, and deselected as they stop.
 * Containers sharing a namespace (the containers of a pod share its network) keep it selected until
 * the last of them stops. Driven by its {@link ContainerRegistry}, under the registry's lock.
 */
public final class ContainerSelection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerSelection.class);

  private final ContainerRegistry registry;
  private final ContainerFilter filter;
  private final ToLongFunction<Container> namespaceOf;
  private final LongConsumer select;
  private final LongConsumer deselect;

  /** By namespace id, the ids of the matching containers in it. */
  private final Map<Long, Set<String>> selected = new HashMap<>();

  ContainerSelection(
      ContainerRegistry registry,
      ContainerFilter filter,
      ToLongFunction<Container> namespaceOf,
      LongConsumer select,
      LongConsumer deselect) {
    this.registry = registry;
    this.filter = filter;
    this.namespaceOf = namespaceOf;
    this.select = select;
    this.deselect = deselect;
  }

  /** A container was found, or its pod changed (e.g. its labels). */
  void consider(Container container) {
    long id = namespaceOf.applyAsLong(container);
    if (container.located() && id != 0 && filter.matches(container)) {
      Set<String> containers = selected.computeIfAbsent(id, key -> new HashSet<>());
      if (containers.add(container.id()) && containers.size() == 1) {
        apply(select, id, container);
      }
    } else {
      removed(container);
    }
  }

  void removed(Container container) {
    long id = namespaceOf.applyAsLong(container);
    Set<String> containers = selected.get(id);
    if (containers == null || !containers.remove(container.id())) {
      return;
    }
    if (containers.isEmpty()) {
      selected.remove(id);
      apply(deselect, id, container);
    }
  }

  /** The namespaces selected now. */
  public Set<Long> selected() {
    synchronized (registry) {
      return Set.copyOf(selected.keySet());
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
      for (long id : selected.keySet()) {
        try {
          deselect.accept(id);
        } catch (RuntimeException e) {
          LOG.warn("Cannot deselect namespace {}: {}", id, e.toString());
        }
      }
      selected.clear();
    }
  }

  private static void apply(LongConsumer change, long id, Container container) {
    try {
      change.accept(id);
    } catch (RuntimeException e) {
      // E.g. a full map, or a network namespace left before it could be joined: the trace then
      // misses this container, which the log must say.
      LOG.warn(
          "Cannot update the selection of namespace {} for container {} of pod {}/{}: {}",
          id,
          container.name(),
          container.namespace(),
          container.pod(),
          e.toString());
    }
  }
}
