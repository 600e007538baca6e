package io.gadgetflow.node.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.gadgetflow.api.trace.TraceFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry over a /proc made of plain files, as kubelet and a runtime would shape it. */
class ContainerRegistryTest {
  static final long HOST_MNT_NS = 4026531841L;
  static final Duration GRACE = Duration.ofSeconds(30);
  static final String WEB_ID = "a".repeat(64);
  static final String DB_ID = "b".repeat(64);
  static final String WEB_UID = "1f0e2d3c-0000-4000-8000-00000000a1b2";
  static final String DB_UID = "2f0e2d3c-0000-4000-8000-00000000c3d4";

  @TempDir Path proc;
  final AtomicLong nanoTime = new AtomicLong();
  final Set<Long> filterMap = ConcurrentHashMap.newKeySet();
  ContainerRegistry registry;

  @BeforeEach
  void start() {
    registry = ContainerRegistry.start(new ProcessScanner(proc, HOST_MNT_NS), GRACE, nanoTime::get);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void locatesARunningContainerThroughAProcessInItsCgroup() throws Exception {
    process(100, HOST_MNT_NS, "0::/user.slice");
    process(200, 4026532200L, "0::/kubepods/besteffort/pod" + WEB_UID + "/" + WEB_ID);

    apply(pod("web", WEB_UID, Map.of("app", "web"), running("nginx", "containerd://" + WEB_ID)));

    Container web = registry.byMountNamespace(4026532200L);
    assertThat(web.namespace()).isEqualTo("shop");
    assertThat(web.pod()).isEqualTo("web");
    assertThat(web.name()).isEqualTo("nginx");
    assertThat(web.id()).isEqualTo(WEB_ID);
    assertThat(registry.byMountNamespace(HOST_MNT_NS)).isNull();
  }

  @Test
  void neverTakesTheHostMountNamespaceForAContainers() throws Exception {
    process(300, HOST_MNT_NS, "0::/kubepods/besteffort/pod" + WEB_UID + "/" + WEB_ID);

    apply(pod("web", WEB_UID, Map.of(), running("nginx", "cri-o://" + WEB_ID)));

    assertThat(registry.containers()).singleElement().matches(c -> !c.located());
  }

  @Test
  void takesTheLowestPidOfAContainerWithSeveralMountNamespaces() throws Exception {
    process(900, 4026532900L, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);
    process(400, 4026532400L, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);

    apply(pod("web", WEB_UID, Map.of(), running("nginx", "docker://" + WEB_ID)));

    assertThat(registry.containers())
        .singleElement()
        .extracting(Container::mountNamespaceId)
        .isEqualTo(4026532400L);
  }

  @Test
  void aFilterFollowsContainersAsTheyStartAndStop() throws Exception {
    ContainerSelection selection =
        registry.follow(
            ContainerFilter.of(new TraceFilter("shop", null, null, Map.of("app", "web"))),
            filterMap::add,
            filterMap::remove);
    process(200, 4026532200L, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);
    process(300, 4026532300L, "0::/kubepods/pod" + DB_UID + "/" + DB_ID);

    apply(pod("web", WEB_UID, Map.of("app", "web"), running("nginx", "containerd://" + WEB_ID)));
    apply(pod("db", DB_UID, Map.of("app", "db"), running("pg", "containerd://" + DB_ID)));
    assertThat(filterMap).containsExactly(4026532200L);
    assertThat(selection.selected()).containsExactly(4026532200L);

    apply(pod("web", WEB_UID, Map.of("app", "web"), terminated("nginx", WEB_ID)));
    assertThat(filterMap).isEmpty();
    assertThat(registry.byMountNamespace(4026532200L)).as("within the grace period").isNotNull();

    nanoTime.addAndGet(GRACE.toNanos());
    awaitTrue(() -> registry.byMountNamespace(4026532200L) == null);
  }

  @Test
  void aContainerWhoseProcessAppearsLaterJoinsTheFilter() throws Exception {
    registry.follow(
        ContainerFilter.of(new TraceFilter(null, "web", null, null)),
        filterMap::add,
        filterMap::remove);
    apply(pod("web", WEB_UID, Map.of(), running("nginx", "containerd://" + WEB_ID)));
    assertThat(filterMap).isEmpty();

    process(200, 4026532200L, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);

    awaitTrue(() -> filterMap.contains(4026532200L));
  }

  @Test
  void aLabelChangeMovesAContainerInOrOutOfAFilter() throws Exception {
    registry.follow(
        ContainerFilter.of(new TraceFilter(null, null, null, Map.of("traced", "yes"))),
        filterMap::add,
        filterMap::remove);
    process(200, 4026532200L, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);
    apply(pod("web", WEB_UID, Map.of(), running("nginx", "containerd://" + WEB_ID)));
    assertThat(filterMap).isEmpty();

    apply(pod("web", WEB_UID, Map.of("traced", "yes"), running("nginx", "containerd://" + WEB_ID)));
    assertThat(filterMap).containsExactly(4026532200L);

    apply(pod("web", WEB_UID, Map.of("traced", "no"), running("nginx", "containerd://" + WEB_ID)));
    assertThat(filterMap).isEmpty();
  }

  @Test
  void aRestartedContainerIsANewContainer() throws Exception {
    registry.follow(
        ContainerFilter.of(new TraceFilter(null, "web", null, null)),
        filterMap::add,
        filterMap::remove);
    process(200, 4026532200L, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);
    apply(pod("web", WEB_UID, Map.of(), running("nginx", "containerd://" + WEB_ID)));
    process(300, 4026532300L, "0::/kubepods/pod" + WEB_UID + "/" + DB_ID);

    apply(pod("web", WEB_UID, Map.of(), running("nginx", "containerd://" + DB_ID)));

    assertThat(filterMap).containsExactly(4026532300L);
  }

  @Test
  void aDeletedPodLeavesTheFilter() throws Exception {
    registry.follow(
        ContainerFilter.of(new TraceFilter("shop", null, null, null)),
        filterMap::add,
        filterMap::remove);
    process(200, 4026532200L, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);
    Pod web = pod("web", WEB_UID, Map.of(), running("nginx", "containerd://" + WEB_ID));
    apply(web);
    assertThat(filterMap).containsExactly(4026532200L);

    registry.podDeleted(web);
    registry.applied().get(10, TimeUnit.SECONDS);

    assertThat(filterMap).isEmpty();
  }

  @Test
  void aClosedSelectionWithdrawsWhatItSelected() throws Exception {
    process(200, 4026532200L, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);
    apply(pod("web", WEB_UID, Map.of(), running("nginx", "containerd://" + WEB_ID)));
    ContainerSelection selection =
        registry.follow(
            ContainerFilter.of(new TraceFilter("shop", null, null, null)),
            filterMap::add,
            filterMap::remove);
    assertThat(filterMap).containsExactly(4026532200L);

    selection.close();

    assertThat(filterMap).isEmpty();
    assertThat(selection.selected()).isEmpty();
  }

  @Test
  void aClosedSelectionNoLongerChanges() throws Exception {
    ContainerSelection selection =
        registry.follow(
            ContainerFilter.of(new TraceFilter("shop", null, null, null)),
            filterMap::add,
            filterMap::remove);
    selection.close();
    process(200, 4026532200L, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);

    apply(pod("web", WEB_UID, Map.of(), running("nginx", "containerd://" + WEB_ID)));

    assertThat(filterMap).isEmpty();
  }

  @Test
  void anEmptyFilterMeansEveryEventAndAnyOtherOnlyTheMatchingContainers() throws Exception {
    process(200, 4026532200L, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);
    apply(pod("web", WEB_UID, Map.of(), running("nginx", "containerd://" + WEB_ID)));

    assertThat(
            registry
                .gadgetOptions(new TraceFilter(null, null, null, null))
                .filterByMountNamespace())
        .isFalse();
    assertThat(
            registry.gadgetOptions(new TraceFilter("shop", null, null, null)).mountNamespaceIds())
        .containsExactly(4026532200L);
    assertThat(registry.gadgetOptions(new TraceFilter("bank", null, null, null)))
        .matches(options -> options.filterByMountNamespace())
        .matches(options -> options.mountNamespaceIds().isEmpty());
  }

  @Test
  void isSyncedOnceTheListedPodsAreApplied() throws Exception {
    process(200, 4026532200L, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);
    assertThat(registry.synced()).isFalse();

    registry.podsListed(
        List.of(pod("web", WEB_UID, Map.of(), running("nginx", "containerd://" + WEB_ID))));
    registry.applied().get(10, TimeUnit.SECONDS);

    assertThat(registry.synced()).isTrue();
    assertThat(registry.byMountNamespace(4026532200L)).isNotNull();
  }

  @Test
  void containersOfAPodShareItsNetworkUntilTheLastOfThemStops() throws Exception {
    String sidecarId = "c".repeat(64);
    Set<Long> watched = ConcurrentHashMap.newKeySet();
    registry.follow(
        ContainerFilter.of(new TraceFilter(null, "web", null, null)),
        Container::netNamespaceId,
        watched::add,
        watched::remove);
    process(200, 4026532200L, 4026532900L, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);
    process(201, 4026532201L, 4026532900L, "0::/kubepods/pod" + WEB_UID + "/" + sidecarId);

    apply(
        pod(
            "web",
            WEB_UID,
            Map.of(),
            running("nginx", "containerd://" + WEB_ID),
            running("sidecar", "containerd://" + sidecarId)));
    assertThat(watched).containsExactly(4026532900L);
    assertThat(registry.byNetNamespace(4026532900L).pod()).isEqualTo("web");
    assertThat(registry.networkNamespace(4026532900L).pid()).isIn(200L, 201L);
    assertThat(registry.networksMatching(null))
        .extracting(network -> network.namespace().id())
        .containsExactly(registry.hostNetwork().id(), 4026532900L);

    apply(
        pod(
            "web",
            WEB_UID,
            Map.of(),
            terminated("nginx", WEB_ID),
            running("sidecar", "containerd://" + sidecarId)));
    assertThat(watched).as("the sidecar is still in it").containsExactly(4026532900L);

    apply(pod("web", WEB_UID, Map.of(), terminated("sidecar", sidecarId)));
    assertThat(watched).isEmpty();
  }

  @Test
  void aPodOnTheHostsNetworkIsNotTheHostsNetworksOwner() throws Exception {
    long host = registry.hostNetwork().id();
    process(200, 4026532200L, host, "0::/kubepods/pod" + WEB_UID + "/" + WEB_ID);

    apply(pod("web", WEB_UID, Map.of(), running("nginx", "containerd://" + WEB_ID)));

    assertThat(registry.byMountNamespace(4026532200L).pod()).isEqualTo("web");
    assertThat(registry.byNetNamespace(host)).isNull();
    assertThat(
            registry.networksMatching(ContainerFilter.of(new TraceFilter(null, "web", null, null))))
        .singleElement()
        .matches(network -> network.namespace().equals(registry.hostNetwork()))
        .matches(network -> network.pod().isEmpty());
  }

  private void apply(Pod pod) throws Exception {
    registry.podChanged(pod);
    registry.applied().get(10, TimeUnit.SECONDS);
  }

  private void process(int pid, long mountNamespaceId, String cgroup) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)).resolve("ns"));
    Files.createSymbolicLink(dir.resolve("mnt"), Path.of("mnt:[" + mountNamespaceId + "]"));
    Files.writeString(dir.resolveSibling("cgroup"), cgroup + "\n");
  }

  private void process(int pid, long mountNamespaceId, long netNamespaceId, String cgroup)
      throws IOException {
    process(pid, mountNamespaceId, cgroup);
    Path dir = proc.resolve(Integer.toString(pid)).resolve("ns");
    Files.createSymbolicLink(dir.resolve("net"), Path.of("net:[" + netNamespaceId + "]"));
  }

  private static Pod pod(
      String name, String uid, Map<String, String> labels, ContainerStatus... status) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName(name)
        .withUid(uid)
        .withLabels(labels)
        .endMetadata()
        .withNewStatus()
        .withContainerStatuses(status)
        .endStatus()
        .build();
  }

  private static ContainerStatus running(String name, String containerId) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withContainerID(containerId)
        .withNewState()
        .withNewRunning()
        .endRunning()
        .endState()
        .build();
  }

  private static ContainerStatus terminated(String name, String id) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withContainerID("containerd://" + id)
        .withNewState()
        .withNewTerminated()
        .withExitCode(0)
        .endTerminated()
        .endState()
        .build();
  }

  /** Polls a condition the registry's own thread makes true, within ten scan intervals. */
  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + ContainerRegistry.SCAN_INTERVAL.toNanos() * 10;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("condition within the deadline").isNegative();
      Thread.sleep(20);
    }
  }
}
