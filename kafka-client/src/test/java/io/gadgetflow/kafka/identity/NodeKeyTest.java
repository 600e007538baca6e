package io.gadgetflow.kafka.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeKeyTest {
  private static final byte[] VALUE =
      "{\"node\":\"node-1\",\"traceUid\":\"t\",\"operationId\":\"o\"}"
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void aKeyVerifiesWhatItSignedAndNothingElse() {
    NodeKey key = NodeKey.generate("node-1");
    byte[] mac = key.sign(VALUE);

    assertThat(key.verifies(VALUE, mac)).isTrue();
    byte[] changed = VALUE.clone();
    changed[10] ^= 1;
    assertThat(key.verifies(changed, mac)).isFalse();
    assertThat(NodeKey.generate("node-1").verifies(VALUE, mac)).isFalse();
    assertThat(key.verifies(VALUE, null)).isFalse();
    assertThat(key.verifies(VALUE, new byte[3])).isFalse();
  }

  @Test
  void theEncodedKeyIsTheSameKeyWithTheSameId() {
    NodeKey key = NodeKey.generate("node-1");
    NodeKey decoded = NodeKey.decode("node-1", key.encoded());

    assertThat(decoded.id()).isEqualTo(key.id()).hasSize(16);
    assertThat(decoded.verifies(VALUE, key.sign(VALUE))).isTrue();
    assertThat(NodeKey.generate("node-1").id()).isNotEqualTo(key.id());
  }

  @Test
  void aKeyOfTheWrongLengthOrWithoutANodeIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> NodeKey.decode("node-1", "c2hvcnQ="))
        .withMessageContaining("32 bytes");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> NodeKey.decode("node-1", "not base64!"))
        .withMessageContaining("node-1");
    assertThatIllegalArgumentException().isThrownBy(() -> NodeKey.generate(" "));
  }

  @Test
  void aKeyFileIsMadeOwnerOnlyOnceAndReadAfter(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("node-keys");
    NodeKey made = NodeKeyFiles.loadOrCreate(keys, "node-1");

    assertThat(NodeKeyFiles.loadOrCreate(keys, "node-1").id()).isEqualTo(made.id());
    assertThat(NodeKeyFiles.load(keys, "node-1").orElseThrow().id()).isEqualTo(made.id());
    assertThat(NodeKeyFiles.load(keys, "node-2")).isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(keys.resolve("node-1.key"))))
        .isEqualTo("rw-------");
  }

  @Test
  void aNameThatIsNoNodesCannotReachOutOfTheDirectory(@TempDir Path dir) {
    assertThatIllegalArgumentException().isThrownBy(() -> NodeKeyFiles.load(dir, "../etc/x"));
    assertThatIllegalArgumentException().isThrownBy(() -> NodeKeyFiles.load(dir, ".hidden"));
  }
}
