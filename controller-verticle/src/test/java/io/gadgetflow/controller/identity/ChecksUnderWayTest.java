package io.gadgetflow.controller.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChecksUnderWayTest {
  @Test
  void endsOnceTheChecksUnderWayEndedAndTheirHandlersRan() {
    ChecksUnderWay checks = new ChecksUnderWay();
    List<String> seen = new ArrayList<>();
    Promise<String> keyRead = Promise.promise();
    checks.track(keyRead.future()).onSuccess(seen::add);

    Future<Void> ended = checks.ended();
    assertThat(ended.isComplete()).isFalse();

    keyRead.complete("answer checked");
    assertThat(ended.succeeded()).isTrue();
    assertThat(seen).containsExactly("answer checked");
  }

  @Test
  void aFailedCheckEndsToo() {
    ChecksUnderWay checks = new ChecksUnderWay();
    Promise<String> keyRead = Promise.promise();
    checks.track(keyRead.future());
    Future<Void> ended = checks.ended();
    keyRead.fail("no key");
    assertThat(ended.isComplete()).isTrue();
  }

  @Test
  void checksAfterwardsAreNotWaitedFor() {
    ChecksUnderWay checks = new ChecksUnderWay();
    checks.track(Future.succeededFuture("checked at once"));
    Future<Void> ended = checks.ended();
    checks.track(Promise.<String>promise().future());
    assertThat(ended.succeeded()).isTrue();
  }
}
