package io.gadgetflow.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataHomeTest {
  static final Path HOME = Path.of("/home/ada");

  @Test
  void dataLivesUnderLocalShareWithoutXdgDataHome() {
    assertThat(DataHome.of(Map.of(), HOME)).isEqualTo(Path.of("/home/ada/.local/share/gadgetflow"));
  }

  @Test
  void dataLivesUnderXdgDataHomeWhenItIsAbsolute() {
    assertThat(DataHome.of(Map.of("XDG_DATA_HOME", "/data"), HOME))
        .isEqualTo(Path.of("/data/gadgetflow"));
  }

  @Test
  void relativeOrBlankXdgDataHomeIsIgnoredAsTheSpecificationSays() {
    Path expected = Path.of("/home/ada/.local/share/gadgetflow");
    assertThat(DataHome.of(Map.of("XDG_DATA_HOME", "data"), HOME)).isEqualTo(expected);
    assertThat(DataHome.of(Map.of("XDG_DATA_HOME", " "), HOME)).isEqualTo(expected);
  }
}
