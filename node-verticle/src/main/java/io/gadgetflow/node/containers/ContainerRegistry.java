package io.gadgetflow.node.containers;

import io.fabric8.kubernetes.api.model.Pod;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.node.bpf.NetworkNamespace;
import io.gadgetflow.node.gadget.GadgetOptions;
import io.gadgetflow.node.gadget.WatchedNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers running on this node: which pod and container each is, and its mount namespace,
 * the key the kernel gives every event. Pods come from the pod informer ({@link NodePods}), mount
 * namespaces from {@link ProcessScanner}. Traces {@link #follow} it to keep their BPF filter maps
 * in step; ring readers {@link #byMountNamespace look events up} without locking.
 *
 * <p>Changes are applied on one thread of its own, in the order the informer delivered them. A
 * container whose process was not found yet is looked for again every {@link #SCAN_INTERVAL}. A
 * container that stopped leaves every filter at once, but stays known to {@link #byMountNamespace}
 * for the grace period, so its last events, still in a ring or a queue, are enriched.
 */
public final class ContainerRegistry implements AutoCloseable {
  static final Duration SCAN_INTERVAL = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(ContainerRegistry.class);

  private record Departed(Container container, long forgetAtNanos) {}

  private final ProcessScanner scanner;
  private final Duration gracePeriod;
  private final LongSupplier nanoTime;
  private final ScheduledExecutorService changes;

  /** By runtime id; guarded by this, written on {@link #changes} only. */
  private final Map<String, Container> live = new HashMap<>();

  private final Map<String, List<Container>> byPodUid = new HashMap<>();
  private final List<Departed> departed = new ArrayList<>();
  private final Set<ContainerSelection> selections = new LinkedHashSet<>();

  private final NetworkNamespace hostNetwork;

  private volatile NamespaceIndex index = NamespaceIndex.EMPTY;

  /** By network namespace, the host's left out: its traffic is no pod's. */
  private volatile NamespaceIndex networkIndex = NamespaceIndex.EMPTY;

  private volatile boolean synced;

  private ContainerRegistry(
      ProcessScanner scanner,
      Duration gracePeriod,
      LongSupplier nanoTime,
      ScheduledExecutorService changes) {
    this.hostNetwork = NetworkNamespace.host();
    this.scanner = scanner;
    this.gracePeriod = gracePeriod;
    this.nanoTime = nanoTime;
    this.changes = changes;
  }

  /** For an agent without access to Kubernetes: it knows no container, and filters nothing. */
  public static ContainerRegistry withoutPods() {
    return new ContainerRegistry(null, Duration.ZERO, System::nanoTime, null);
  }

  /** Starts the thread that applies changes and looks for containers' processes. */
  public static ContainerRegistry start(ProcessScanner scanner, Duration gracePeriod) {
    return start(scanner, gracePeriod, System::nanoTime);
  }

  static ContainerRegistry start(
      ProcessScanner scanner, Duration gracePeriod, LongSupplier nanoTime) {
    ScheduledExecutorService changes =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("gadgetflow-containers").daemon().factory());
    ContainerRegistry registry = new ContainerRegistry(scanner, gracePeriod, nanoTime, changes);
    long intervalMillis = SCAN_INTERVAL.toMillis();
    changes.scheduleWithFixedDelay(
        () -> registry.guarded(registry::housekeep),
        intervalMillis,
        intervalMillis,
        TimeUnit.MILLISECONDS);
    return registry;
  }

  /** Whether pods are followed at all; without, a filter can select nothing. */
  public boolean followsPods() {
    return changes != null;
  }

  /** Whether every pod of the node that existed at start is known. */
  public boolean synced() {
    return synced;
  }

  /** The pod was added or changed. Any thread; applied in call order. */
  public void podChanged(Pod pod) {
    String uid = pod.getMetadata().getUid();
    List<Container> running = PodContainers.running(pod);
    later(() -> applyPod(uid, running));
  }

  public void podDeleted(Pod pod) {
    String uid = pod.getMetadata().getUid();
    later(() -> applyPod(uid, List.of()));
  }

  /** The informer listed every pod of the node: these. Synced once they are applied. */
  public void podsListed(List<Pod> pods) {
    pods.forEach(this::podChanged);
    later(() -> synced = true);
  }

  /** Completes once every change asked for before is applied. */
  Future<?> applied() {
    return changes.submit(() -> {});
  }

  /** The container whose processes live in this mount namespace, or null. Lock-free. */
  public Container byMountNamespace(long mountNamespaceId) {
    return index.get(mountNamespaceId);
  }

  /**
   * A container of the pod whose network namespace this is, or null (the host's, which the pods
   * with {@code hostNetwork} share, or one not known). Lock-free.
   */
  public Container byNetNamespace(long netNamespaceId) {
    return networkIndex.get(netNamespaceId);
  }

  /** The host's network namespace, which unfiltered network gadgets watch. */
  public NetworkNamespace hostNetwork() {
    return hostNetwork;
  }

  /** A way into the network namespace of a container, or the host's, by its id. */
  public synchronized NetworkNamespace networkNamespace(long netNamespaceId) {
    if (netNamespaceId == hostNetwork.id()) {
      return hostNetwork;
    }
    return live.values().stream()
        .filter(container -> container.netNamespaceId() == netNamespaceId)
        .findFirst()
        .map(container -> new NetworkNamespace(netNamespaceId, container.pid()))
        .orElseGet(() -> new NetworkNamespace(netNamespaceId, 0));
  }

  /**
   * The network namespaces a snapshot looks into: the host's and every located container's when
   * {@code filter} is null, else those of the containers it matches now (the host's for a pod with
   * {@code hostNetwork}); each once, named after its pod.
   */
  public synchronized List<WatchedNetwork> networksMatching(ContainerFilter filter) {
    Map<Long, WatchedNetwork> networks = new LinkedHashMap<>();
    if (filter == null) {
      networks.put(hostNetwork.id(), WatchedNetwork.host(hostNetwork));
    }
    for (Container container : live.values()) {
      long id = container.netNamespaceId();
      if (!container.located() || id == 0 || (filter != null && !filter.matches(container))) {
        continue;
      }
      networks.putIfAbsent(
          id,
          id == hostNetwork.id()
              ? WatchedNetwork.host(hostNetwork)
              : new WatchedNetwork(
                  new NetworkNamespace(id, container.pid()),
                  container.namespace(),
                  container.pod()));
    }
    return List.copyOf(networks.values());
  }

  /** The containers running now, located or not. */
  public synchronized List<Container> containers() {
    return List.copyOf(live.values());
  }

  /** The mount namespaces of the located containers {@code filter} matches now. */
  public synchronized Set<Long> mountNamespacesMatching(ContainerFilter filter) {
    return live.values().stream()
        .filter(Container::located)
        .filter(filter::matches)
        .map(Container::mountNamespaceId)
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * How to start a gadget for a Trace's filter: every event when the filter is empty, else only the
   * events of the containers it matches now (then {@link #follow} keeps that up to date).
   */
  public GadgetOptions gadgetOptions(TraceFilter filter) {
    if (filter.isEmpty()) {
      return GadgetOptions.unfiltered().withNetworks(networksMatching(null));
    }
    ContainerFilter containers = ContainerFilter.of(filter);
    return GadgetOptions.filtered(mountNamespacesMatching(containers))
        .withNetworks(networksMatching(containers));
  }

  /**
   * Keeps a gadget's filter map in step with the mount namespaces of the containers {@code filter}
   * matches, from now until the selection is closed: the matching containers are selected at once.
   */
  public ContainerSelection follow(
      ContainerFilter filter, LongConsumer select, LongConsumer deselect) {
    return follow(filter, Container::mountNamespaceId, select, deselect);
  }

  /**
   * As {@link #follow(ContainerFilter, LongConsumer, LongConsumer)}, for the namespaces {@code
   * namespaceOf} gives (e.g. {@link Container#netNamespaceId()}), each selected once while any
   * matching container is in it.
   */
  public ContainerSelection follow(
      ContainerFilter filter,
      ToLongFunction<Container> namespaceOf,
      LongConsumer select,
      LongConsumer deselect) {
    synchronized (this) {
      ContainerSelection selection =
          new ContainerSelection(this, filter, namespaceOf, select, deselect);
      live.values().forEach(selection::consider);
      selections.add(selection);
      return selection;
    }
  }

  synchronized void unfollow(ContainerSelection selection) {
    selections.remove(selection);
  }

  private void applyPod(String podUid, List<Container> running) {
    boolean unlocated = false;
    synchronized (this) {
      Set<String> stillRunning = new HashSet<>();
      running.forEach(container -> stillRunning.add(container.id()));
      for (Container before : byPodUid.getOrDefault(podUid, List.of())) {
        if (!stillRunning.contains(before.id())) {
          remove(before.id());
        }
      }
      for (Container container : running) {
        Container known = live.get(container.id());
        if (known == null) {
          live.put(container.id(), container);
          unlocated = true;
        } else if (!known.describedAs(container)) {
          Container changed = container.withLocation(known.location());
          live.put(changed.id(), changed);
          selections.forEach(selection -> selection.consider(changed));
        }
      }
      if (running.isEmpty()) {
        byPodUid.remove(podUid);
      } else {
        byPodUid.put(podUid, running);
      }
      reindex();
    }
    if (unlocated) {
      locate();
    }
  }

  private void remove(String id) {
    Container container = live.remove(id);
    if (container == null) {
      return;
    }
    LOG.debug("Container {} of pod {}/{} stopped", id, container.namespace(), container.pod());
    if (container.located()) {
      selections.forEach(selection -> selection.removed(container));
      departed.add(new Departed(container, nanoTime.getAsLong() + gracePeriod.toNanos()));
    }
  }

  /** Looks for the processes of containers whose mount namespace is not known yet. */
  private void locate() {
    Set<String> wanted;
    Set<Long> known;
    synchronized (this) {
      wanted =
          live.values().stream()
              .filter(container -> !container.located())
              .map(Container::id)
              .collect(Collectors.toSet());
      known =
          live.values().stream()
              .filter(Container::located)
              .map(Container::mountNamespaceId)
              .collect(Collectors.toSet());
    }
    if (wanted.isEmpty()) {
      return;
    }
    Map<String, ProcessScanner.Location> found = scanner.locate(wanted, known);
    if (found.isEmpty()) {
      return;
    }
    synchronized (this) {
      found.forEach(
          (id, location) -> {
            Container container = live.get(id);
            if (container == null || container.located()) {
              return;
            }
            Container located = container.withLocation(location);
            live.put(id, located);
            LOG.debug(
                "Container {} of pod {}/{} has mount namespace {}, network namespace {}",
                located.name(),
                located.namespace(),
                located.pod(),
                location.mountNamespaceId(),
                location.netNamespaceId());
            selections.forEach(selection -> selection.consider(located));
          });
      reindex();
    }
  }

  /** Forgets departed containers whose grace period is over, and looks for unlocated ones. */
  private void housekeep() {
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (departed.removeIf(gone -> now - gone.forgetAtNanos() >= 0)) {
        reindex();
      }
    }
    locate();
  }

  /** Departed first, so that a live container reusing a mount namespace id wins. */
  private void reindex() {
    List<Container> indexed = new ArrayList<>(departed.size() + live.size());
    departed.forEach(gone -> indexed.add(gone.container()));
    indexed.addAll(live.values());
    index = NamespaceIndex.of(indexed, Container::mountNamespaceId);
    networkIndex =
        NamespaceIndex.of(
            indexed,
            container ->
                container.netNamespaceId() == hostNetwork.id() ? 0 : container.netNamespaceId());
  }

  /** On the registry's thread, in call order; dropped once the registry is closed. */
  private void later(Runnable change) {
    try {
      changes.execute(() -> guarded(change));
    } catch (RejectedExecutionException closed) {
      LOG.debug("Container registry closed: a pod change is ignored");
    }
  }

  private void guarded(Runnable change) {
    try {
      change.run();
    } catch (RuntimeException e) {
      LOG.warn("Container registry: {}", e.toString(), e);
    }
  }

  @Override
  public void close() {
    if (changes != null) {
      changes.shutdownNow();
    }
  }
}
