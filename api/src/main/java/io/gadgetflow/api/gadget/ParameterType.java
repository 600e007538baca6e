package io.gadgetflow.api.gadget;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

/** The type of a gadget parameter, as a string in {@code spec.parameters}. */
public enum ParameterType {
  @JsonProperty("string")
  STRING {
    @Override
    Optional<String> check(String value) {
      return Optional.empty();
    }
  },
  @JsonProperty("bool")
  BOOL {
    @Override
    Optional<String> check(String value) {
      return value.equals("true") || value.equals("false")
          ? Optional.empty()
          : Optional.of("expected true or false");
    }
  },
  @JsonProperty("int")
  INT {
    @Override
    Optional<String> check(String value) {
      return parseLong(value).isPresent() ? Optional.empty() : Optional.of("expected an integer");
    }
  },
  @JsonProperty("uint")
  UINT {
    @Override
    Optional<String> check(String value) {
      return parseLong(value).filter(v -> v >= 0).isPresent()
          ? Optional.empty()
          : Optional.of("expected an unsigned integer");
    }
  },
  /** A comma-separated list of unsigned integers, such as ports. */
  @JsonProperty("uint-list")
  UINT_LIST {
    @Override
    Optional<String> check(String value) {
      for (String item : value.split(",", -1)) {
        if (UINT.check(item.strip()).isPresent()) {
          return Optional.of("expected a comma-separated list of unsigned integers");
        }
      }
      return Optional.empty();
    }
  },
  /** A signal number or name, such as {@code 9}, {@code SIGKILL} or {@code kill}. */
  @JsonProperty("signal")
  SIGNAL {
    @Override
    Optional<String> check(String value) {
      return Signals.parse(value).isPresent()
          ? Optional.empty()
          : Optional.of("expected a signal number (1-64) or name such as SIGKILL");
    }
  },
  /**
   * A top gadget's {@code sort_by}: columns separated by commas, each prefixed with {@code -} to
   * sort it in descending order (see {@link SortOrder}); the descriptor's allowed values, when
   * given, are the columns it may name.
   */
  @JsonProperty("sort-by")
  SORT_BY {
    @Override
    Optional<String> check(String value) {
      return SortOrder.parseKeys(value).isPresent()
          ? Optional.empty()
          : Optional.of(
              "expected columns separated by commas, each prefixed with - to sort it in descending order");
    }
  },
  /** An IPv4 address in dotted decimal, such as {@code 10.0.0.1}; empty for none. */
  @JsonProperty("ipv4")
  IPV4 {
    @Override
    Optional<String> check(String value) {
      return value.isEmpty() || IpAddressLiterals.ipv4(value).isPresent()
          ? Optional.empty()
          : Optional.of("expected an IPv4 address such as 10.0.0.1");
    }
  },
  /** An IPv6 address, such as {@code fd00::1}; empty for none. */
  @JsonProperty("ipv6")
  IPV6 {
    @Override
    Optional<String> check(String value) {
      return value.isEmpty() || IpAddressLiterals.ipv6(value).isPresent()
          ? Optional.empty()
          : Optional.of("expected an IPv6 address such as fd00::1");
    }
  };

  /** Why {@code value} is not of this type, or empty when it is. */
  abstract Optional<String> check(String value);

  static Optional<Long> parseLong(String value) {
    try {
      return Optional.of(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
