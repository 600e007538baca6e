package io.gadgetflow.kubectl;

import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.gadget.ParameterDescriptor;
import io.gadgetflow.api.gadget.ParameterType;
import io.gadgetflow.api.gadget.TraceValidation;
import io.gadgetflow.api.gadget.TraceValidation.InvalidParameter;
import io.gadgetflow.api.json.WireNames;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * A gadget's parameters as {@code --<name>} options, read from its descriptor and checked by the
 * catalogue's rules ({@link TraceValidation}).
 */
final class GadgetParameters {
  private GadgetParameters() {}

  /** Adds one option per parameter of {@code gadget} to {@code spec}. */
  static void addOptions(CommandSpec spec, GadgetDescriptor gadget) {
    for (ParameterDescriptor parameter : gadget.parameters()) {
      OptionSpec.Builder option =
          OptionSpec.builder("--" + parameter.name())
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
      if (!commandLine.getParseResult().hasMatchedOption(option)) {
        continue;
      }
      String value = option.getValue();
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

  private static String describe(ParameterDescriptor parameter) {
    StringBuilder text = new StringBuilder(parameter.description());
    if (!parameter.allowedValues().isEmpty()) {
      text.append(" One of ").append(String.join(", ", parameter.allowedValues())).append('.');
    }
    if (parameter.defaultValue() != null && !parameter.defaultValue().isEmpty()) {
      text.append(" (default: ").append(parameter.defaultValue()).append(')');
    }
    return text.toString();
  }
}
