package io.gadgetflow.node.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceIndexTest {
  @Test
  void findsEveryContainerByItsMountNamespace() {
    List<Container> containers = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      // Real ids are consecutive inode numbers: the worst case for a naive hash.
      containers.add(container("c" + i, 4026532000L + i));
    }

    NamespaceIndex index = NamespaceIndex.of(containers, Container::mountNamespaceId);

    for (Container container : containers) {
      assertThat(index.get(container.mountNamespaceId())).isSameAs(container);
    }
    assertThat(index.get(4026531840L)).isNull();
    assertThat(index.get(0)).isNull();
  }

  @Test
  void theLaterOfTwoContainersInOneMountNamespaceWins() {
    Container departed = container("old", 4026532001L);
    Container live = container("new", 4026532001L);

    assertThat(
            NamespaceIndex.of(List.of(departed, live), Container::mountNamespaceId)
                .get(4026532001L))
        .isSameAs(live);
  }

  @Test
  void leavesOutContainersNotLocatedYet() {
    assertThat(NamespaceIndex.of(List.of(container("c", 0)), Container::mountNamespaceId).get(0))
        .isNull();
    assertThat(NamespaceIndex.EMPTY.get(4026532001L)).isNull();
  }

  @Test
  void indexesByTheNamespaceItIsGiven() {
    Container web =
        new Container("w", "ns", "web", "uid-w", "main", Map.of(), 4026532001L, 4026532100L, 7);

    NamespaceIndex byNetwork = NamespaceIndex.of(List.of(web), Container::netNamespaceId);

    assertThat(byNetwork.get(4026532100L)).isSameAs(web);
    assertThat(byNetwork.get(4026532001L)).isNull();
  }

  private static Container container(String id, long mountNamespaceId) {
    return new Container(
        id, "ns", "pod-" + id, "uid-" + id, "main", Map.of(), mountNamespaceId, 0, 0);
  }
}
