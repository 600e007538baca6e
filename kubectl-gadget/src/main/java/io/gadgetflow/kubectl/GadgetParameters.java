package io.gadgetflow.kubectl;

import io.gadgetflow.api.gadget.GadgetCategory;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.gadget.ParameterDescriptor;
import io.gadgetflow.api.gadget.ParameterType;
import io.gadgetflow.api.gadget.TopParameters;
import io.gadgetflow.api.gadget.TraceValidation;
import io.gadgetflow.api.gadget.TraceValidation.InvalidParameter;
import io.gadgetflow.api.json.WireNames;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * A gadget's parameters as {@code --<name>} options, read from its descriptor and checked by the
 * catalogue's rules ({@link TraceValidation}). A name with underscores is also accepted with dashes
 * ({@code --max-rows}); the top gadgets also take Inspektor Gadget's flags ({@code --sort}, {@code
 * -r}, ...) and their interval as an argument, as in {@code kubectl gadget top file 5}; profile cpu
 * takes {@code -U}, {@code -K} and {@code -F}.
 */
final class GadgetParameters {
  /**
   * Inspektor Gadget's own flags for parameters of the top and profile gadgets ({@code -F} is
   * libbpf-tools profile's, Inspektor Gadget sampling at a fixed 49 Hz).
   */
  private static final Map<GadgetCategory, Map<String, List<String>>> SHORT_FLAGS =
      Map.of(
          GadgetCategory.TOP,
          Map.of(
              TopParameters.SORT_BY,
              List.of("--sort"),
              TopParameters.MAX_ROWS,
              List.of("-r"),
              "all_files",
              List.of("-a"),
              "family",
              List.of("-f")),
          GadgetCategory.PROFILE,
          Map.of("user", List.of("-U"), "kernel", List.of("-K"), "frequency", List.of("-F")));

  private static final String INTERVAL_ARGUMENT = "INTERVAL";

  private GadgetParameters() {}

  /** Adds one option per parameter of {@code gadget} to {@code spec}. */
  static void addOptions(CommandSpec spec, GadgetDescriptor gadget) {
    boolean top = gadget.category() == GadgetCategory.TOP;
    if (top) {
      spec.addPositional(
          PositionalParamSpec.builder()
              .index("0")
              .arity("0..1")
              .paramLabel(INTERVAL_ARGUMENT)
              .description("Seconds between two reports, as --" + TopParameters.INTERVAL + ".")
              .type(String.class)
              .build());
    }
    for (ParameterDescriptor parameter : gadget.parameters()) {
      OptionSpec.Builder option =
          OptionSpec.builder(names(parameter, gadget.category()))
              .paramLabel(WireNames.of(parameter.type()).toUpperCase(Locale.ROOT))
              .description(describe(parameter))
              .type(String.class);
      if (parameter.type() == ParameterType.BOOL) {
        // A flag, as in Inspektor Gadget: --kill-only means --kill-only=true.
        option.arity("0..1").fallbackValue("true");
      }
      spec.addOption(option.build());
    }
  }

  /**
   * The parameters given on the command line, by name.
   *
   * @throws ParameterException naming the option whose value the descriptor refuses
   */
  static Map<String, String> given(CommandSpec spec, GadgetDescriptor gadget) {
    CommandLine commandLine = spec.commandLine();
    Map<String, String> parameters = new LinkedHashMap<>();
    for (ParameterDescriptor parameter : gadget.parameters()) {
      OptionSpec option = spec.findOption("--" + parameter.name());
      boolean asOption = commandLine.getParseResult().hasMatchedOption(option);
      boolean asArgument =
          parameter.name().equals(TopParameters.INTERVAL)
              && commandLine.getParseResult().hasMatchedPositional(0);
      if (asOption && asArgument) {
        throw new ParameterException(
            commandLine, "give the interval once: as an argument or as --" + parameter.name());
      }
      if (!asOption && !asArgument) {
        continue;
      }
      String value =
          asOption
              ? option.getValue()
              : commandLine.getParseResult().matchedPositional(0).getValue();
      Optional<InvalidParameter> invalid = TraceValidation.parameterValue(gadget, parameter, value);
      if (invalid.isPresent()) {
        throw new ParameterException(
            commandLine,
            "Invalid value for option '--%s': %s".formatted(parameter.name(), invalid.get().why()));
      }
      parameters.put(parameter.name(), value);
    }
    return parameters;
  }

  private static String[] names(ParameterDescriptor parameter, GadgetCategory category) {
    Set<String> names = new LinkedHashSet<>();
    names.add("--" + parameter.name());
    names.add("--" + parameter.name().replace('_', '-'));
    names.addAll(
        SHORT_FLAGS.getOrDefault(category, Map.of()).getOrDefault(parameter.name(), List.of()));
    return names.toArray(String[]::new);
  }

  private static String describe(ParameterDescriptor parameter) {
    StringBuilder text = new StringBuilder(parameter.description());
    if (parameter.type() == ParameterType.SORT_BY) {
      text.append(" Columns: ").append(String.join(", ", parameter.allowedValues())).append('.');
    } else if (!parameter.allowedValues().isEmpty()) {
      text.append(" One of ").append(String.join(", ", parameter.allowedValues())).append('.');
    }
    if (parameter.defaultValue() != null && !parameter.defaultValue().isEmpty()) {
      text.append(" (default: ").append(parameter.defaultValue()).append(')');
    }
    return text.toString();
  }
}
