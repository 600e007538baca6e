package io.gadgetflow.api.gadget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterDescriptorTest {

  @Test
  void boolAcceptsOnlyTrueAndFalse() {
    ParameterDescriptor failed = ParameterDescriptor.of("failed", ParameterType.BOOL, "false", "");

    assertThat(failed.validate("true")).isEmpty();
    assertThat(failed.validate("false")).isEmpty();
    assertThat(failed.validate("yes")).contains("expected true or false");
  }

  @Test
  void uintRejectsNegativesAndText() {
    ParameterDescriptor pid = ParameterDescriptor.of("pid", ParameterType.UINT, "0", "");

    assertThat(pid.validate("42")).isEmpty();
    assertThat(pid.validate("-1")).contains("expected an unsigned integer");
    assertThat(pid.validate("abc")).contains("expected an unsigned integer");
  }

  @Test
  void rangeAppliesToEveryListItem() {
    ParameterDescriptor ports =
        ParameterDescriptor.of("ports", ParameterType.UINT_LIST, "", "").withRange(0L, 65535L);

    assertThat(ports.validate("80, 443")).isEmpty();
    assertThat(ports.validate("80,70000")).contains("70000 is out of range [0, 65535]");
    assertThat(ports.validate("80,,443"))
        .contains("expected a comma-separated list of unsigned integers");
  }

  @Test
  void allowedValuesAreEnforced() {
    ParameterDescriptor sortBy =
        ParameterDescriptor.of("sort_by", ParameterType.STRING, "all", "")
            .withAllowedValues(List.of("all", "io", "r_kb"));

    assertThat(sortBy.validate("io")).isEmpty();
    assertThat(sortBy.validate("bogus")).contains("expected one of all, io, r_kb");
  }

  @Test
  void aSortOrderNamesOnlyTheColumnsItIsAllowed() {
    ParameterDescriptor sortBy =
        ParameterDescriptor.of("sort_by", ParameterType.SORT_BY, "-reads", "")
            .withAllowedValues(List.of("reads", "writes", "comm"));

    assertThat(sortBy.validate("-reads,comm")).isEmpty();
    assertThat(sortBy.validate("writes")).isEmpty();
    assertThat(sortBy.validate("-reads,-size"))
        .contains("no column \"size\" to sort by: expected some of reads, writes, comm");
    assertThat(sortBy.validate("reads;comm"))
        .contains(
            "expected columns separated by commas, each prefixed with - to sort it in descending order");
  }

  @Test
  void everyTopGadgetsDefaultOrderIsValid() {
    for (GadgetDescriptor gadget : GadgetCatalog.all()) {
      if (gadget.category() != GadgetCategory.TOP) {
        continue;
      }
      ParameterDescriptor sortBy = gadget.parameter(TopParameters.SORT_BY).orElseThrow();
      assertThat(sortBy.validate(sortBy.defaultValue())).as(gadget.name()).isEmpty();
      assertThat(gadget.parameter(TopParameters.INTERVAL).orElseThrow().defaultValue())
          .isEqualTo("1");
      assertThat(gadget.parameter(TopParameters.MAX_ROWS).orElseThrow().defaultValue())
          .isEqualTo("20");
    }
  }

  @Test
  void aRangeOnATextParameterIsAProgrammingError() {
    assertThatThrownBy(
            () -> ParameterDescriptor.of("name", ParameterType.STRING, "", "").withRange(0L, 1L))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
