package io.gadgetflow.kubectl;

import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.gadget.EventField;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How events are printed, from {@code -o}: {@code columns} (a table of the gadget's default
 * columns), {@code json} (each event as one line of JSON, exactly as the node agent wrote it) or
 * {@code custom-columns=<field>,...} (a table of the named fields, in that order).
 *
 * @param columns the table's columns; empty for JSON
 */
record OutputFormat(boolean json, List<EventField> columns) {
  static final String COLUMNS = "columns";
  static final String JSON = "json";
  static final String CUSTOM_COLUMNS = "custom-columns=";

  /** Common fields shown by default, as Inspektor Gadget shows them in a cluster. */
  private static final Set<String> DEFAULT_COMMON_COLUMNS =
      Set.of(
          CommonEventFields.NODE,
          CommonEventFields.NAMESPACE,
          CommonEventFields.POD,
          CommonEventFields.CONTAINER);

  OutputFormat {
    columns = List.copyOf(columns);
  }

  /**
   * @throws IllegalArgumentException saying what is wrong with {@code value}
   */
  static OutputFormat parse(String value, GadgetDescriptor gadget) {
    if (value.equals(JSON)) {
      return new OutputFormat(true, List.of());
    }
    if (value.equals(COLUMNS)) {
      return new OutputFormat(false, defaultColumns(gadget));
    }
    if (value.startsWith(CUSTOM_COLUMNS)) {
      return new OutputFormat(
          false, customColumns(value.substring(CUSTOM_COLUMNS.length()), gadget));
    }
    throw new IllegalArgumentException(
        "\"%s\" is not an output format: use %s, %s or %s<field>,..."
            .formatted(value, COLUMNS, JSON, CUSTOM_COLUMNS));
  }

  private static List<EventField> defaultColumns(GadgetDescriptor gadget) {
    List<EventField> columns = new ArrayList<>();
    for (EventField field : CommonEventFields.FIELDS) {
      boolean aboutContainers = !field.name().equals(CommonEventFields.NODE);
      if (DEFAULT_COMMON_COLUMNS.contains(field.name())
          && (gadget.supportsFilter() || !aboutContainers)) {
        columns.add(field);
      }
    }
    columns.addAll(gadget.eventFields());
    return columns;
  }

  private static List<EventField> customColumns(String names, GadgetDescriptor gadget) {
    // Case does not matter, as in Inspektor Gadget: pktType is also pkttype and PKTTYPE.
    Map<String, EventField> known = new LinkedHashMap<>();
    CommonEventFields.FIELDS.forEach(
        field -> known.put(field.name().toLowerCase(Locale.ROOT), field));
    gadget.eventFields().forEach(field -> known.put(field.name().toLowerCase(Locale.ROOT), field));
    List<EventField> columns = new ArrayList<>();
    for (String name : names.split(",", -1)) {
      EventField field = known.get(name.strip().toLowerCase(Locale.ROOT));
      if (field == null) {
        throw new IllegalArgumentException(
            "%s has no column \"%s\"; it has %s"
                .formatted(
                    gadget.name(),
                    name.strip(),
                    known.values().stream()
                        .map(EventField::name)
                        .collect(java.util.stream.Collectors.joining(","))));
      }
      columns.add(field);
    }
    return columns;
  }
}
