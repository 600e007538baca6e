package io.gadgetflow.node.gadget.advise.seccompprofile;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.testing.RecordSchemas;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SeccompProfileTest {

  @Test
  void allowsWhatWasObservedAndIsValidAgainstItsSchema() {
    SeccompProfile profile =
        SeccompProfile.allowing(new TreeSet<>(java.util.List.of("read", "execve", "exit_group")));

    String json = new String(Json.encode(profile), StandardCharsets.UTF_8);

    RecordSchemas.assertValid("output-seccomp.json", json);
    assertThat(json)
        .startsWith("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[")
        .endsWith(
            "\"syscalls\":[{\"names\":[\"execve\",\"exit_group\",\"read\"],"
                + "\"action\":\"SCMP_ACT_ALLOW\"}]}");
  }

  @Test
  void nothingObservedAllowsNothing() {
    String json =
        new String(Json.encode(SeccompProfile.allowing(new TreeSet<>())), StandardCharsets.UTF_8);

    RecordSchemas.assertValid("output-seccomp.json", json);
    assertThat(json).endsWith("\"syscalls\":[]}");
  }
}
