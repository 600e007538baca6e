package io.gadgetflow.kafka;

import io.gadgetflow.api.config.Settings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * How every Kafka client of a role authenticates and encrypts: TLS (with an optional client
 * certificate for mutual TLS) and SASL, as Kafka's own client settings. Read from {@code
 * GADGETFLOW_KAFKA_*} variables; the default is Kafka's own, plaintext without authentication.
 *
 * @param securityProtocol {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code
 *     SASL_SSL}
 * @param saslMechanism e.g. {@code PLAIN}, {@code SCRAM-SHA-512}; null when SASL is not used
 * @param saslJaasConfig the login module line; built from a user name and password when those are
 *     given instead
 * @param sslTruststoreLocation the CA certificates that sign the brokers' certificates, or null for
 *     the JVM's
 * @param sslKeystoreLocation this client's certificate for mutual TLS, or null
 */
public record KafkaSecurity(
    String securityProtocol,
    String saslMechanism,
    String saslJaasConfig,
    String sslTruststoreLocation,
    String sslTruststoreType,
    String sslTruststorePassword,
    String sslKeystoreLocation,
    String sslKeystoreType,
    String sslKeystorePassword,
    String sslKeyPassword) {

  public static final KafkaSecurity PLAINTEXT =
      new KafkaSecurity("PLAINTEXT", null, null, null, null, null, null, null, null, null);

  /** The variable (after {@code GADGETFLOW_}) naming a client properties file to read instead. */
  public static final String CLIENT_PROPERTIES_SETTING = "KAFKA_CLIENT_PROPERTIES";

  private static final Set<String> PROTOCOLS =
      Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  private static final Map<String, String> LOGIN_MODULES =
      Map.of(
          "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule",
          "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
          "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

  /**
   * Reads {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM}, {@code
   * KAFKA_SASL_JAAS_CONFIG} or {@code KAFKA_SASL_USERNAME} with {@code KAFKA_SASL_PASSWORD}, {@code
   * KAFKA_SSL_TRUSTSTORE_LOCATION}, {@code _TYPE}, {@code _PASSWORD}, {@code
   * KAFKA_SSL_KEYSTORE_LOCATION}, {@code _TYPE}, {@code _PASSWORD} and {@code
   * KAFKA_SSL_KEY_PASSWORD}; or, when {@code KAFKA_CLIENT_PROPERTIES} names a file, the security
   * settings of that Kafka client properties file (the one {@code gadgetflow up} writes for each
   * role), and no variable besides it.
   *
   * @throws IllegalArgumentException naming the variable that is wrong or missing
   */
  public static KafkaSecurity fromSettings(Settings settings) {
    Optional<String> propertiesFile = settings.optional(CLIENT_PROPERTIES_SETTING);
    if (propertiesFile.isPresent()) {
      return fromPropertiesFile(Path.of(propertiesFile.get()));
    }
    String protocol = settings.string("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").strip().toUpperCase();
    if (!PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException(
          Settings.PREFIX
              + "KAFKA_SECURITY_PROTOCOL must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL,"
              + " not \""
              + protocol
              + "\"");
    }
    boolean sasl = protocol.startsWith("SASL_");
    String mechanism = settings.optional("KAFKA_SASL_MECHANISM").map(String::strip).orElse(null);
    String jaasConfig = settings.optional("KAFKA_SASL_JAAS_CONFIG").orElse(null);
    if (sasl) {
      if (mechanism == null) {
        throw new IllegalArgumentException(
            Settings.PREFIX + "KAFKA_SASL_MECHANISM must be set for " + protocol);
      }
      if (jaasConfig == null) {
        jaasConfig = loginFromUserAndPassword(settings, mechanism);
      }
    }
    return new KafkaSecurity(
        protocol,
        sasl ? mechanism : null,
        sasl ? jaasConfig : null,
        settings.optional("KAFKA_SSL_TRUSTSTORE_LOCATION").orElse(null),
        settings.optional("KAFKA_SSL_TRUSTSTORE_TYPE").orElse(null),
        settings.optional("KAFKA_SSL_TRUSTSTORE_PASSWORD").orElse(null),
        settings.optional("KAFKA_SSL_KEYSTORE_LOCATION").orElse(null),
        settings.optional("KAFKA_SSL_KEYSTORE_TYPE").orElse(null),
        settings.optional("KAFKA_SSL_KEYSTORE_PASSWORD").orElse(null),
        settings.optional("KAFKA_SSL_KEY_PASSWORD").orElse(null));
  }

  /**
   * The security settings of a Kafka client properties file ({@code security.protocol}, {@code
   * sasl.*}, {@code ssl.*}), as {@code kafka-console-consumer --consumer.config} reads them.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read
   */
  public static KafkaSecurity fromPropertiesFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          Settings.PREFIX + CLIENT_PROPERTIES_SETTING + ": cannot read " + file + ": " + e, e);
    }
    String protocol = properties.getProperty("security.protocol", "PLAINTEXT").strip();
    if (!PROTOCOLS.contains(protocol.toUpperCase())) {
      throw new IllegalArgumentException(
          file + ": security.protocol must be one of " + PROTOCOLS + ", not \"" + protocol + "\"");
    }
    return new KafkaSecurity(
        protocol.toUpperCase(),
        properties.getProperty("sasl.mechanism"),
        properties.getProperty("sasl.jaas.config"),
        properties.getProperty("ssl.truststore.location"),
        properties.getProperty("ssl.truststore.type"),
        properties.getProperty("ssl.truststore.password"),
        properties.getProperty("ssl.keystore.location"),
        properties.getProperty("ssl.keystore.type"),
        properties.getProperty("ssl.keystore.password"),
        properties.getProperty("ssl.key.password"));
  }

  /** What to add to a producer's, consumer's or admin client's properties. */
  public Map<String, String> clientProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("security.protocol", securityProtocol);
    putIfSet(properties, "sasl.mechanism", saslMechanism);
    putIfSet(properties, "sasl.jaas.config", saslJaasConfig);
    if (securityProtocol.endsWith("SSL")) {
      putIfSet(properties, "ssl.truststore.location", sslTruststoreLocation);
      putIfSet(properties, "ssl.truststore.type", sslTruststoreType);
      putIfSet(properties, "ssl.truststore.password", sslTruststorePassword);
      putIfSet(properties, "ssl.keystore.location", sslKeystoreLocation);
      putIfSet(properties, "ssl.keystore.type", sslKeystoreType);
      putIfSet(properties, "ssl.keystore.password", sslKeystorePassword);
      putIfSet(properties, "ssl.key.password", sslKeyPassword);
    }
    return properties;
  }

  /** Every configuration is logged at start: secrets show only whether they are set. */
  @Override
  public String toString() {
    return "KafkaSecurity[securityProtocol=%s, saslMechanism=%s, saslJaasConfig=%s, truststore=%s, keystore=%s]"
        .formatted(
            securityProtocol,
            saslMechanism,
            saslJaasConfig == null ? null : "(set)",
            sslTruststoreLocation,
            sslKeystoreLocation);
  }

  private static String loginFromUserAndPassword(Settings settings, String mechanism) {
    String module = LOGIN_MODULES.get(mechanism.toUpperCase());
    String user = settings.optional("KAFKA_SASL_USERNAME").orElse(null);
    String password = settings.optional("KAFKA_SASL_PASSWORD").orElse(null);
    if (module == null || user == null || password == null) {
      throw new IllegalArgumentException(
          Settings.PREFIX
              + "KAFKA_SASL_JAAS_CONFIG must be set for SASL mechanism "
              + mechanism
              + (module == null
                  ? ""
                  : ", or " + Settings.PREFIX + "KAFKA_SASL_USERNAME and _PASSWORD"));
    }
    return login(module, user, password);
  }

  private static String login(String module, String user, String password) {
    return "%s required username=\"%s\" password=\"%s\";"
        .formatted(module, quoted(user), quoted(password));
  }

  private static String quoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static void putIfSet(Map<String, String> properties, String key, String value) {
    if (value != null) {
      properties.put(key, value);
    }
  }
}
