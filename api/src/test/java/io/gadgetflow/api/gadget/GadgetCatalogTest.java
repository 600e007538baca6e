package io.gadgetflow.api.gadget;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.trace.Operation;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GadgetCatalogTest {

  @Test
  void findsGadgetsByTheirTraceName() {
    assertThat(GadgetCatalog.find("execsnoop")).contains(GadgetCatalog.EXECSNOOP);
    assertThat(GadgetCatalog.find("opensnoop")).contains(GadgetCatalog.OPENSNOOP);
    assertThat(GadgetCatalog.find("nosuchsnoop")).isEmpty();
    assertThat(GadgetCatalog.find(null)).isEmpty();
  }

  @Test
  void everyGadgetHasAnOperationAndAnOutputMode() {
    for (GadgetDescriptor gadget : GadgetCatalog.all()) {
      assertThat(gadget.operations()).as(gadget.name()).isNotEmpty();
      assertThat(gadget.outputModes()).as(gadget.name()).isNotEmpty();
    }
  }

  @Test
  void commandsAreUniqueWithinACategory() {
    Set<String> seen = new HashSet<>();
    for (GadgetDescriptor gadget : GadgetCatalog.all()) {
      assertThat(seen.add(gadget.category().folderName() + " " + gadget.command()))
          .as(gadget.name())
          .isTrue();
    }
  }

  @Test
  void gadgetFieldsDoNotShadowCommonFields() {
    Set<String> common = new HashSet<>();
    CommonEventFields.FIELDS.forEach(f -> common.add(f.name()));
    for (GadgetDescriptor gadget : GadgetCatalog.all()) {
      for (EventField field : gadget.eventFields()) {
        assertThat(common).as(gadget.name()).doesNotContain(field.name());
      }
    }
  }

  @Test
  void streamGadgetsStartAndStop() {
    assertThat(GadgetCatalog.EXECSNOOP.operations())
        .containsExactlyInAnyOrder(Operation.START, Operation.STOP);
  }
}
